# An insecure, mistake-ridden JupyterHub config: what hubcfg is for.
# Lint it with:  npx hubcfg check examples/insecure/jupyterhub_config.py
import os

c = get_config()  # noqa: F821

# --- authentication -------------------------------------------------------
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "letmein"
c.Authenticator.whitelist = {"alice", "bob"}
c.Authenticator.blacklist = {"mallory"}
c.Authenticator.admin_users = "alice,bob"
c.LocalAuthenticator.group_whitelist = {"staff"}

# --- hub ------------------------------------------------------------------
c.JupyterHub.admin_acess = True
c.JupyterHub.allow_named_servers = "True"
c.JupyterHub.cookie_secret = "0123456789abcdef0123456789abcdef"
c.JupyterHub.proxy_auth_token = "supersecrettoken"
c.JupyterHub.ip = "0.0.0.0"
c.JupyterHub.server_token_scopes = ["inherit"]

# --- spawner --------------------------------------------------------------
c.Spawner.mem_limit = "2GB"
c.Spawner.start_timeout = 60.0
c.Spawner.environment = ["DEBUG=1"]
c.Spawner.cpu_limit = os.environ["CPU_LIMIT"]
c.Jupyterhub.shutdown_on_logout = True
