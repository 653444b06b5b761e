c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
