# A hardened JupyterHub config: hubcfg reports nothing here.
import os

c = get_config()  # noqa: F821

# Log in with GitHub; only members of one organisation, a few named admins.
c.JupyterHub.authenticator_class = "github"
c.GitHubOAuthenticator.client_id = os.environ["GITHUB_CLIENT_ID"]
c.GitHubOAuthenticator.client_secret = os.environ["GITHUB_CLIENT_SECRET"]
c.GitHubOAuthenticator.oauth_callback_url = "https://hub.example.org/hub/oauth_callback"
c.GitHubOAuthenticator.allowed_organizations = {"example-org"}
c.Authenticator.admin_users = {"alice"}
c.Authenticator.blocked_users = {"mallory"}

# Secrets come from the environment, never from this file.
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.auth_token = os.environ["CONFIGPROXY_AUTH_TOKEN"]

# TLS on the public port; each user server on its own subdomain.
c.JupyterHub.bind_url = "https://hub.example.org:443"
c.JupyterHub.ssl_cert = "/etc/letsencrypt/live/hub.example.org/fullchain.pem"
c.JupyterHub.ssl_key = "/etc/letsencrypt/live/hub.example.org/privkey.pem"
c.JupyterHub.subdomain_host = "https://hub.example.org"

# Servers as systemd units: the memory and CPU limits below are enforced.
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.JupyterHub.allow_named_servers = True
c.Spawner.disable_user_config = True
c.Spawner.mem_limit = "2G"
c.Spawner.cpu_limit = 1.0
c.Spawner.start_timeout = 120
c.Spawner.default_url = "/lab"
