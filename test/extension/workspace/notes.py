# Not a JupyterHub config: hubcfg leaves it alone.
c = {"JupyterHub": 1}
print(c)
