c = get_config()  # noqa: F821
c.JupyterHub.admin_acess = True
