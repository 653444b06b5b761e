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

# --- secrets written in the file ------------------------------------------
c.ConfigurableHTTPProxy.auth_token = "c2f1e0d9b8a7f6e5d4c3b2a1"
c.GitHubOAuthenticator.client_secret = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
c.CryptKeeper.keys = ["8a3b1f0c6e2d4a5b9c7e1f3a5b7d9e0f8a3b1f0c6e2d4a5b9c7e1f3a5b7d9e0f"]
c.JupyterHub.db_url = "postgresql://jupyterhub:s3cretpassw0rd@db.internal:5432/jupyterhub"
c.LDAPAuthenticator.lookup_dn_search_password = "Bind-P4ssw0rd!"
c.JupyterHub.services = [
    {"name": "cull-idle", "api_token": "9f2c7b1e4d6a8c0f2e4b6d8a0c2e4f6a"},
    {"name": "cull", "api_token": "abc123"},
]

# --- access and tokens ----------------------------------------------------
c.Authenticator.allow_existing_users = True
c.Authenticator.enable_auth_state = True
c.JupyterHub.trust_user_provided_tokens = True
c.JupyterHub.token_expires_in_max_seconds = 0
c.JupyterHub.load_roles = [
    {"name": "admin", "groups": ["staff"]},
    {"name": "user", "scopes": ["self", "shares!user"]},
    {"name": "TAs", "scopes": ["admin:users", "read:server"], "group": ["tas"]},
]
c.Spawner.cmd = ["sh", "-c", "pip install jupyter-server-proxy==4.0.0 && exec jupyterhub-singleuser"]

# --- transport and isolation ----------------------------------------------
c.JupyterHub.hub_ip = "0.0.0.0"
c.LocalProcessSpawner.ip = "0.0.0.0"
c.JupyterHub.authenticate_prometheus = False
c.JupyterHub.cookie_host_prefix_enabled = True
c.JupyterHub.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}
c.Spawner.disable_user_config = False
c.Spawner.env_keep = ["PATH", "CONFIGPROXY_AUTH_TOKEN"]
c.LocalProcessSpawner.shell_cmd = ["bash", "-l", "-c"]
c.KernelManager.transport = "tcp"
c.DockerSpawner.allowed_images = "*"
c.HubAuth.allow_token_in_url = True
c.HubAuth.allow_websocket_cookie_auth = True
