# An insecure JupyterHub config for the extension tests (do not copy it).
c = get_config()  # noqa: F821

c.JupyterHub.admin_acess = True
c.JupyterHub.allow_named_servers = "True"
c.JupyterHub.cookie_secret = "0123456789abcdef0123456789abcdef"
c.Authenticator.whitelist = {"alice"}
c.Spawner.mem_limit = "2GB"
c.Spawner.start_timeout = 60.0
