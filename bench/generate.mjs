// Deterministic generators of benchmark inputs. Every generator takes (rng, targetLines) and
// returns text; the same seed always gives the same bytes, so runs on different machines and
// commits measure the same thing.

/** mulberry32: small, fast, seedable PRNG returning floats in [0, 1). */
export function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  next.chance = (p) => next() < p;
  return next;
}

const WORDS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy', 'mallory', 'niaj', 'olivia', 'peggy', 'rupert', 'sybil', 'trent', 'victor', 'walter'];
const TEAMS = ['data-science', 'ml-platform', 'geo', 'bio-lab', 'teaching', 'hpc', 'finance', 'ops'];
const IMAGES = ['quay.io/jupyter/scipy-notebook', 'quay.io/jupyter/datascience-notebook', 'quay.io/jupyter/pytorch-notebook', 'quay.io/jupyter/r-notebook', 'ghcr.io/example/custom-image'];
const TAGS = ['2024-12-09', '2025-03-14', 'latest', 'python-3.12', 'cuda12-2025-01-20'];

const q = (s) => `'${s}'`;
const dq = (s) => `"${s}"`;

/** Value generators for the types of real traits (kept here so the bench never depends on the catalogue). */
const VALUE = {
  bool: (r) => r.pick(['True', 'False']),
  int: (r) => String(r.pick([30, 60, 120, 300, 600, 3600, 10, 100, 8081, 5])),
  float: (r) => r.pick(['0.5', '1.0', '2.0', '4.0', '0.25', '1.5']),
  bytes: (r) => q(r.pick(['512M', '1G', '2G', '4G', '8G', '16G'])),
  url: (r) => q(r.pick(['http://0.0.0.0:8000', 'https://hub.example.org', 'http://127.0.0.1:8081', 'http://:8000/'])),
  ip: (r) => q(r.pick(['0.0.0.0', '127.0.0.1', ''])),
  prefix: (r) => q(r.pick(['/', '/hub/', '/jupyter/'])),
  str: (r) => q(r.pick(['/lab', '/tree', '~/work', 'jupyterhub', 'INFO', 'default'])),
  env: (r) => `os.environ[${dq(r.pick(['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET', 'HUB_DB_URL', 'PROXY_TOKEN', 'ORG_NAME']))}]`,
  envget: (r) => `os.environ.get(${dq(r.pick(['HUB_PORT_URL', 'NAMESPACE', 'IMAGE', 'CALLBACK_URL']))}, ${q(r.pick(['default', 'jhub', 'http://localhost:8000/hub/oauth_callback']))})`,
  users: (r) => `{${Array.from({ length: r.int(1, 4) }, () => q(r.pick(WORDS))).join(', ')}}`,
  strlist: (r) => `[${Array.from({ length: r.int(1, 3) }, () => q(r.pick(['--debug', '--collaborative', '--ServerApp.terminals_enabled=False', '--NotebookApp.allow_origin=*']))).join(', ')}]`,
  pathlist: (r) => `[${q(r.pick(['/etc/jupyterhub/templates', '/srv/templates']))}]`,
  dburl: (r) => q(r.pick(['sqlite:///jupyterhub.sqlite', 'postgresql://hub@db:5432/jupyterhub'])),
  image: (r) => q(`${r.pick(IMAGES)}:${r.pick(TAGS)}`),
  pull: (r) => q(r.pick(['IfNotPresent', 'Always'])),
  storage: (r) => q(r.pick(['10Gi', '20Gi', '50Gi'])),
  namespace: (r) => q(r.pick(['jhub', 'jupyterhub', 'staging'])),
  loglevel: (r) => q(r.pick(['debug', 'info', 'warn'])),
};

/** [class, trait, value kind]: real config traits of JupyterHub and the common plugins. */
const SIMPLE = [
  ['JupyterHub', 'bind_url', 'url'], ['JupyterHub', 'hub_ip', 'ip'], ['JupyterHub', 'hub_port', 'int'], ['JupyterHub', 'port', 'int'],
  ['JupyterHub', 'allow_named_servers', 'bool'], ['JupyterHub', 'named_server_limit_per_user', 'int'], ['JupyterHub', 'cookie_max_age_days', 'float'],
  ['JupyterHub', 'shutdown_on_logout', 'bool'], ['JupyterHub', 'template_paths', 'pathlist'], ['JupyterHub', 'concurrent_spawn_limit', 'int'],
  ['JupyterHub', 'active_server_limit', 'int'], ['JupyterHub', 'db_url', 'dburl'], ['JupyterHub', 'authenticate_prometheus', 'bool'],
  ['JupyterHub', 'cleanup_servers', 'bool'], ['JupyterHub', 'base_url', 'prefix'], ['JupyterHub', 'redirect_to_server', 'bool'],
  ['JupyterHub', 'last_activity_interval', 'int'], ['JupyterHub', 'init_spawners_timeout', 'int'], ['JupyterHub', 'internal_ssl', 'bool'],
  ['Spawner', 'start_timeout', 'int'], ['Spawner', 'http_timeout', 'int'], ['Spawner', 'mem_limit', 'bytes'], ['Spawner', 'mem_guarantee', 'bytes'],
  ['Spawner', 'cpu_limit', 'float'], ['Spawner', 'cpu_guarantee', 'float'], ['Spawner', 'default_url', 'str'], ['Spawner', 'notebook_dir', 'str'],
  ['Spawner', 'args', 'strlist'], ['Spawner', 'debug', 'bool'], ['Spawner', 'poll_interval', 'int'], ['Spawner', 'disable_user_config', 'bool'],
  ['Authenticator', 'admin_users', 'users'], ['Authenticator', 'allowed_users', 'users'], ['Authenticator', 'blocked_users', 'users'],
  ['Authenticator', 'enable_auth_state', 'bool'], ['Authenticator', 'auto_login', 'bool'], ['Authenticator', 'allow_all', 'bool'],
  ['Authenticator', 'delete_invalid_users', 'bool'], ['Authenticator', 'manage_groups', 'bool'],
  ['LocalProcessSpawner', 'kill_timeout', 'int'], ['LocalProcessSpawner', 'term_timeout', 'int'],
  ['ConfigurableHTTPProxy', 'api_url', 'url'], ['ConfigurableHTTPProxy', 'debug', 'bool'], ['ConfigurableHTTPProxy', 'log_level', 'loglevel'],
  ['PAMAuthenticator', 'open_sessions', 'bool'], ['PAMAuthenticator', 'admin_groups', 'users'],
  ['KubeSpawner', 'image', 'image'], ['KubeSpawner', 'image_pull_policy', 'pull'], ['KubeSpawner', 'namespace', 'namespace'],
  ['KubeSpawner', 'storage_capacity', 'storage'], ['KubeSpawner', 'start_timeout', 'int'], ['KubeSpawner', 'cpu_limit', 'float'],
  ['KubeSpawner', 'mem_limit', 'bytes'], ['KubeSpawner', 'uid', 'int'], ['KubeSpawner', 'fs_gid', 'int'], ['KubeSpawner', 'service_account', 'namespace'],
  ['GitHubOAuthenticator', 'client_id', 'env'], ['GitHubOAuthenticator', 'client_secret', 'env'], ['GitHubOAuthenticator', 'oauth_callback_url', 'envget'],
  ['GitHubOAuthenticator', 'allowed_organizations', 'users'], ['GenericOAuthenticator', 'username_claim', 'str'],
  ['DockerSpawner', 'image', 'image'], ['DockerSpawner', 'remove', 'bool'], ['DockerSpawner', 'network_name', 'namespace'],
];

/** Deliberate problems: what hubcfg exists to find. */
const PROBLEMS = [
  'c.JupyterHub.admin_acess = True',
  'c.Spawner.start_timout = 120',
  'c.JupyterHub.allow_named_servers = "True"',
  'c.Spawner.start_timeout = "60"',
  'c.Authenticator.whitelist = {"alice", "bob"}',
  'c.Spawner.cpu_limit = "2"',
  'c.Jupyterhub.shutdown_on_logout = True',
  'c.Authenticator.admin_users = "alice,bob"',
];

const TRAILING = ['  # was 60', '  # see ops ticket', '  # TODO: revisit', '  # per-user', '  # noqa', '  # keep in sync with helm values'];

function simple(r) {
  const [cls, trait, kind] = r.pick(SIMPLE);
  return `c.${cls}.${trait} = ${VALUE[kind](r)}${r.chance(0.12) ? r.pick(TRAILING) : ''}`;
}

function profileList(r) {
  const out = ['c.KubeSpawner.profile_list = ['];
  const n = r.int(2, 5);
  for (let i = 0; i < n; i++) {
    const team = r.pick(TEAMS);
    out.push('    {');
    out.push(`        "display_name": "${team} (${r.int(1, 16)} CPU)",`);
    out.push(`        "slug": "${team}-${i}",`);
    if (i === 0) out.push('        "default": True,');
    out.push(`        "description": "Environment for the ${team} team",`);
    out.push('        "kubespawner_override": {');
    out.push(`            "image": ${VALUE.image(r)},`);
    out.push(`            "cpu_limit": ${r.int(1, 16)},`);
    out.push(`            "mem_limit": ${VALUE.bytes(r)},`);
    if (r.chance(0.5)) {
      out.push('            "extra_resource_limits": {"nvidia.com/gpu": "1"},');
      out.push('            "node_selector": {"cloud.google.com/gke-accelerator": "nvidia-tesla-t4"},');
    }
    out.push('        },');
    out.push('    },');
  }
  out.push(']');
  return out;
}

function environmentDict(r) {
  const out = ['c.Spawner.environment = {'];
  const keys = ['JUPYTER_ENABLE_LAB', 'GRANT_SUDO', 'TZ', 'PIP_INDEX_URL', 'HTTP_PROXY', 'CONDA_DIR', 'MLFLOW_TRACKING_URI'];
  for (let i = r.int(2, 6); i > 0; i--) {
    const k = keys.splice(Math.floor(r() * keys.length), 1)[0];
    out.push(`    ${dq(k)}: ${r.chance(0.3) ? VALUE.envget(r) : q(r.pick(['yes', 'no', 'Europe/Berlin', 'https://pypi.example.org/simple', '/opt/conda']))},`);
  }
  out.push('}');
  return out;
}

function services(r) {
  const out = ['c.JupyterHub.services = ['];
  for (let i = r.int(1, 3); i > 0; i--) {
    const name = r.pick(['idle-culler', 'announcement', 'grafana', 'binder', 'metrics']);
    out.push('    {');
    out.push(`        "name": "${name}",`);
    if (r.chance(0.6)) out.push(`        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=${r.int(600, 7200)}"],`);
    else out.push(`        "url": "http://${name}:${r.int(8000, 9000)}",`);
    out.push(`        "api_token": os.environ.get("${name.toUpperCase().replace('-', '_')}_TOKEN"),`);
    out.push('    },');
  }
  out.push(']');
  return out;
}

function roles(r) {
  const out = ['c.JupyterHub.load_roles = ['];
  for (let i = r.int(1, 3); i > 0; i--) {
    out.push('    {');
    out.push(`        "name": "${r.pick(TEAMS)}-admin",`);
    out.push(`        "scopes": ["admin:users", "list:users", "read:servers", "access:servers!group=${r.pick(TEAMS)}"],`);
    out.push(`        "groups": ["${r.pick(TEAMS)}"],`);
    out.push(`        "users": ["${r.pick(WORDS)}", "${r.pick(WORDS)}"],`);
    out.push('    },');
  }
  out.push(']');
  return out;
}

function ifBlock(r) {
  const env = r.pick(['HUB_ENV', 'DEPLOYMENT', 'STAGE']);
  const out = [`if os.environ.get("${env}") == "${r.pick(['prod', 'staging', 'dev'])}":`];
  for (let i = r.int(1, 4); i > 0; i--) out.push(`    ${simple(r)}`);
  if (r.chance(0.5)) {
    out.push('else:');
    for (let i = r.int(1, 2); i > 0; i--) out.push(`    ${simple(r)}`);
  }
  return out;
}

function hookFunction(r, n) {
  return [
    `def pre_spawn_hook_${n}(spawner):`,
    '    """Mount the team volume and set per-user environment."""',
    '    username = spawner.user.name',
    `    spawner.environment["TEAM"] = "${r.pick(TEAMS)}"`,
    '    spawner.volumes = [{"name": "home", "persistentVolumeClaim": {"claimName": f"claim-{username}"}}]',
    '    spawner.volume_mounts = [{"name": "home", "mountPath": "/home/jovyan"}]',
    '',
    '',
    `c.Spawner.pre_spawn_hook = pre_spawn_hook_${n}`,
  ];
}

const SECTION_TITLES = ['authentication', 'hub', 'spawner', 'proxy', 'services', 'roles', 'profiles', 'storage', 'networking', 'limits'];

/** A hand-written-looking jupyterhub_config.py of about `targetLines` lines. */
export function realisticPython(r, targetLines) {
  const lines = [
    '# JupyterHub configuration for the research platform.',
    '# Managed by the platform team; see docs/ops/jupyterhub.md before editing.',
    'import os',
    'import sys',
    '',
    'c = get_config()  # noqa: F821',
    '',
  ];
  let hooks = 0;
  let sinceProblem = 0;
  while (lines.length < targetLines) {
    lines.push(`# --- ${r.pick(SECTION_TITLES)} ${'-'.repeat(60)}`);
    if (r.chance(0.3)) lines.push(`# ${r.pick(['Values below override the chart defaults.', 'Keep these in sync with the staging hub.', 'Tuned after the load test in March.'])}`);
    const blockLen = r.int(3, 10);
    for (let i = 0; i < blockLen; i++) {
      const roll = r();
      if (roll < 0.62) lines.push(simple(r));
      else if (roll < 0.70) lines.push(...environmentDict(r));
      else if (roll < 0.75) lines.push(...profileList(r));
      else if (roll < 0.79) lines.push(...services(r));
      else if (roll < 0.83) lines.push(...roles(r));
      else if (roll < 0.91) lines.push(...ifBlock(r));
      else if (roll < 0.94) lines.push('', ...hookFunction(r, ++hooks));
      else lines.push(`# ${simple(r)}`); // commented-out setting
    }
    sinceProblem += blockLen;
    if (sinceProblem > 25) {
      lines.push(r.pick(PROBLEMS));
      sinceProblem = 0;
    }
    lines.push('');
  }
  return lines.join('\n') + '\n';
}

const HELP = [
  'This is an application.',
  'The date format used by logging formatters for %(asctime)s',
  'Set the log level by value or name.',
  'Configure additional log handlers.',
  'Instead of starting the Application, dump configuration to stdout',
  'The number of threads to allocate for encryption',
  'Maximum number of concurrent servers that can be active at a time.',
  'Setting this can limit the total resources your users can consume.',
  'An active server is any server that is not fully stopped. It is considered',
  'active from the time it has been requested until the time that it has',
  'completely stopped.',
  'If this many user servers are active, users will not be able to launch new',
  'servers until a server is shutdown. Spawn requests will be rejected with a',
  '429 error asking them to try again.',
  'If set to 0, no limit is enforced.',
  'Duration (in seconds) to determine the number of active users.',
  'Resolution (in seconds) for updating activity',
  'If a request is made more often than this interval, it will not be recorded.',
  'Grant admin users permission to access single-user servers.',
  'Users should be properly informed if this is enabled.',
];

/**
 * A config in the shape `jupyterhub --generate-config` writes: `c = get_config()  #noqa`, then
 * thousands of lines of commented-out help, then a few real settings at the end. This shape is
 * the known trap of tree-sitter-python (super-linear on long comment runs after a statement).
 */
export function generatedStylePython(r, commentLines) {
  const lines = ['# Configuration file for jupyterhub.', '', 'c = get_config()  #noqa', ''];
  const classes = [...new Set(SIMPLE.map(([cls]) => cls))];
  let ci = 0;
  while (lines.length < commentLines) {
    const cls = classes[ci++ % classes.length];
    lines.push('#' + '-'.repeat(78));
    lines.push(`# ${cls}(LoggingConfigurable) configuration`);
    lines.push('#' + '-'.repeat(78));
    lines.push(`## ${r.pick(HELP)}`);
    lines.push('');
    const traits = SIMPLE.filter(([c]) => c === cls);
    for (const [, trait, kind] of traits) {
      const n = r.int(1, 5);
      const start = r.int(0, HELP.length - n);
      lines.push(`## ${HELP[start]}`);
      for (let i = 1; i < n; i++) lines.push(`#  ${HELP[start + i]}`);
      if (r.chance(0.4)) lines.push('#  ', '#  .. versionadded:: 2.0');
      const v = VALUE[kind](r);
      lines.push(`#  Default: ${v}`);
      lines.push(`# c.${cls}.${trait} = ${v}`);
      lines.push('');
    }
  }
  lines.push(
    '',
    '# --- local settings ---',
    'import os',
    'c.JupyterHub.bind_url = "http://:8000"',
    'c.JupyterHub.admin_acess = True',
    'c.Spawner.start_timeout = "120"',
    'c.Authenticator.allowed_users = {"alice", "bob"}',
    'c.Spawner.environment = {"TZ": os.environ.get("TZ", "UTC")}',
  );
  return lines.join('\n') + '\n';
}

/**
 * A Zero to JupyterHub values file of about `targetLines` lines: chart keys, `hub.config` sections,
 * profile lists, roles and `hub.extraConfig` Python snippets (about a third of the lines).
 */
export function realisticValues(r, targetLines) {
  const lines = ['# z2jh values for the research platform', 'proxy:', '  https:', '    enabled: true', '    hosts: [hub.example.org]', '    letsencrypt:', '      contactEmail: ops@example.org', 'hub:', '  config:'];
  const classes = ['JupyterHub', 'Authenticator', 'KubeSpawner', 'GitHubOAuthenticator'];
  for (const cls of classes) {
    lines.push(`    ${cls}:`);
    for (let i = 0; i < 6; i++) {
      const [c, t, v] = r.pick(SIMPLE);
      if (c === cls || cls === 'KubeSpawner') lines.push(`      ${t}: ${JSON.stringify(typeof v === 'string' ? v : v)}`);
    }
  }
  lines.push('  loadRoles:');
  for (let i = 0; i < 5; i++) lines.push(`    role-${i}:`, `      scopes: ["read:users!group=g${i}", "read:servers!group=g${i}"]`, `      groups: [g${i}]`);
  lines.push('  extraConfig:');
  let snippet = 0;
  const pyBudget = Math.floor(targetLines * 0.35);
  let pyLines = 0;
  while (pyLines < pyBudget) {
    const py = realisticPython(r, Math.min(60, pyBudget - pyLines + 8)).split('\n').filter((l) => !/^(import |c = get_config)/.test(l));
    lines.push(`    ${String(snippet++).padStart(2, '0')}-snippet: |`, ...py.map((l) => (l ? `      ${l}` : '')));
    pyLines += py.length;
  }
  lines.push('singleuser:', '  image:', '    name: quay.io/jupyter/scipy-notebook', '    tag: "2024-05-27"', '  memory:', '    limit: 4G', '    guarantee: 1G', '  profileList:');
  let p = 0;
  while (lines.length < targetLines) {
    lines.push(`    - display_name: "Profile ${p}"`, `      description: "${r.pick(['CPU only', 'with a GPU', 'large memory'])}"`, '      kubespawner_override:', `        cpu_limit: ${r.int(1, 8)}`, `        mem_limit: "${r.int(1, 32)}G"`, `        image: "quay.io/jupyter/scipy-notebook:2024-0${r.int(1, 9)}-01"`);
    p++;
  }
  return lines.join('\n') + '\n';
}
