cfg = get_config()  # noqa: F821
cfg.JupyterHub.admin_acess = True
