import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { analyze } from '../server/src/engine';
import { environmentFor, type EnvIO } from '../server/src/context/environment';
import { modelFromYaml } from '../server/src/model/fromYaml';
import { ROOT } from './helpers/fixtures';
import { LspClient } from './helpers/lsp';
import { pathToFileURL } from 'url';

/** Writes a layout into a fresh temp folder: { "relative/path": text }. Returns the folder. */
function layout(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-env-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, rel)), { recursive: true });
    fs.writeFileSync(path.join(d, rel), text);
  }
  return d;
}

async function check(file: string, text = fs.readFileSync(file, 'utf8'), opts = {}) {
  return (await analyze(text, file, opts)).diagnostics;
}

const AUTH_STATE = 'c.Authenticator.enable_auth_state = True\n';

/** the shape of jupyterhub-deploy-docker: the config in ./config, compose and .env one level up */
function deployDocker(environment: string, extra: Record<string, string> = {}): string {
  return layout({
    'docker-compose.yml': `services:
  hub:
    build:
      context: .
      dockerfile: Dockerfile.jupyterhub
    image: jupyterhub
    volumes:
      - "./config:/srv/jupyterhub"
      - "/var/run/docker.sock:/var/run/docker.sock:rw"
      - "jupyterhub-data:/data"
    environment:
${environment}
  hub-db:
    image: postgres:16
    environment:
      POSTGRES_DB: jupyterhub
      JUPYTERHUB_CRYPT_KEY: not-for-the-hub
volumes:
  jupyterhub-data:
`,
    '.env': 'JUPYTERHUB_CRYPT_KEY=4f1b0c2d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c\n',
    'Dockerfile.jupyterhub': 'ARG JUPYTERHUB_VERSION\nFROM quay.io/jupyterhub/jupyterhub:$JUPYTERHUB_VERSION\nRUN python3 -m pip install --no-cache-dir dockerspawner\n',
    'config/jupyterhub_config.py': AUTH_STATE,
    ...extra,
  });
}

const rules = (ds: { rule: string }[]) => ds.map((d) => d.rule);

test('compose: JUPYTERHUB_CRYPT_KEY in the hub service (value from .env) silences auth-state-without-key', async () => {
  const d = deployDocker('      JUPYTERHUB_ADMIN: admin\n      JUPYTERHUB_CRYPT_KEY: ${JUPYTERHUB_CRYPT_KEY}');
  assert.deepEqual(rules(await check(path.join(d, 'config', 'jupyterhub_config.py'))), []);
});

test('compose: the finding stays when the hub service sets other variables (another service setting it does not count)', async () => {
  const d = deployDocker('      JUPYTERHUB_ADMIN: admin\n      DOCKER_NETWORK_NAME: jupyterhub-network');
  const ds = await check(path.join(d, 'config', 'jupyterhub_config.py'));
  assert.deepEqual(rules(ds), ['security/auth-state-without-key']);
  assert.deepEqual(ds[0].range, { start: { line: 0, character: 36 }, end: { line: 0, character: 40 } });
});

test('compose: a variable interpolated to nothing does not count; one passed through from the shell does', async () => {
  const empty = deployDocker('      JUPYTERHUB_CRYPT_KEY: ${UNSET_IN_DOTENV:-}', { '.env': 'UNSET_IN_DOTENV=\n' });
  assert.deepEqual(rules(await check(path.join(empty, 'config', 'jupyterhub_config.py'))), ['security/auth-state-without-key']);
  const literalEmpty = deployDocker('      JUPYTERHUB_CRYPT_KEY: ""');
  assert.deepEqual(rules(await check(path.join(literalEmpty, 'config', 'jupyterhub_config.py'))), ['security/auth-state-without-key']);
  const shell = deployDocker('      - JUPYTERHUB_CRYPT_KEY', { '.env': '' });
  assert.deepEqual(rules(await check(path.join(shell, 'config', 'jupyterhub_config.py'))), []);
});

test('compose: env_file of the hub service counts; a missing env_file is named in the finding', async () => {
  const env = '      JUPYTERHUB_ADMIN: admin\n    env_file:\n      - secrets/hub.env';
  const d = deployDocker(env, { 'secrets/hub.env': '# secrets\nexport JUPYTERHUB_CRYPT_KEY="0123"\n' });
  assert.deepEqual(rules(await check(path.join(d, 'config', 'jupyterhub_config.py'))), []);
  const missing = deployDocker(env);
  const ds = await check(path.join(missing, 'config', 'jupyterhub_config.py'));
  assert.deepEqual(rules(ds), ['security/auth-state-without-key']);
  assert.match(ds[0].message, /not counting secrets\/hub\.env \(env_file of service hub in docker-compose\.yml, not found\), which could not be read/);
});

test('compose: ENV of the Dockerfile the hub service builds counts (final stage only)', async () => {
  const d = deployDocker('      JUPYTERHUB_ADMIN: admin', {
    'Dockerfile.jupyterhub': 'FROM python:3.12 AS build\nENV JUPYTERHUB_CRYPT_KEY=builder-only\nFROM quay.io/jupyterhub/jupyterhub:5\nENV JUPYTERHUB_CRYPT_KEY=0123 \\\n    OTHER=1\n',
  });
  assert.deepEqual(rules(await check(path.join(d, 'config', 'jupyterhub_config.py'))), []);
  const builderOnly = deployDocker('      JUPYTERHUB_ADMIN: admin', {
    'Dockerfile.jupyterhub': 'FROM python:3.12 AS build\nENV JUPYTERHUB_CRYPT_KEY=builder-only\nFROM quay.io/jupyterhub/jupyterhub:5\nENV OTHER=1\n',
  });
  assert.deepEqual(rules(await check(path.join(builderOnly, 'config', 'jupyterhub_config.py'))), ['security/auth-state-without-key']);
});

test('no compose file: a .env, a hub Dockerfile or a systemd unit beside the config counts', async () => {
  for (const files of <Record<string, string>[]>[
    { '.env': 'JUPYTERHUB_CRYPT_KEY=0123\n' },
    { Dockerfile: 'FROM quay.io/jupyterhub/jupyterhub:5\nENV JUPYTERHUB_CRYPT_KEY 0123\n' },
    { 'jupyterhub.service': '[Service]\nEnvironment="JUPYTERHUB_CRYPT_KEY=0123" PATH=/usr/bin\nExecStart=/opt/jh/bin/jupyterhub -f /etc/jupyterhub/jupyterhub_config.py\n' },
    { 'jupyterhub.service': '[Service]\nEnvironmentFile=/etc/jupyterhub/hub.env\nExecStart=/opt/jh/bin/jupyterhub\n', 'hub.env': 'JUPYTERHUB_CRYPT_KEY=0123\n' },
  ]) {
    const d = layout({ ...files, 'jupyterhub_config.py': AUTH_STATE });
    assert.deepEqual(rules(await check(path.join(d, 'jupyterhub_config.py'))), [], JSON.stringify(files));
  }
  // a Dockerfile of something else, a unit that starts something else, a .env that sets another variable
  for (const files of <Record<string, string>[]>[
    { '.env': 'OTHER=1\n' },
    { Dockerfile: 'FROM nginx\nENV JUPYTERHUB_CRYPT_KEY=0123\n' },
    { 'proxy.service': '[Service]\nEnvironment=JUPYTERHUB_CRYPT_KEY=0123\nExecStart=/usr/bin/nginx\n' },
  ]) {
    const d = layout({ ...files, 'jupyterhub_config.py': AUTH_STATE });
    assert.deepEqual(rules(await check(path.join(d, 'jupyterhub_config.py'))), ['security/auth-state-without-key'], JSON.stringify(files));
  }
});

test('unsaved text: a readFile callback is read before the disk', async () => {
  const d = deployDocker('      JUPYTERHUB_ADMIN: admin');
  const cfg = path.join(d, 'config', 'jupyterhub_config.py');
  const compose = path.join(d, 'docker-compose.yml');
  const edited = fs.readFileSync(compose, 'utf8').replace('JUPYTERHUB_ADMIN: admin', 'JUPYTERHUB_CRYPT_KEY: ${JUPYTERHUB_CRYPT_KEY}');
  assert.deepEqual(rules(await check(cfg, AUTH_STATE, { readFile: (f: string) => (f === compose ? edited : undefined) })), []);
  assert.deepEqual(rules(await check(cfg)), ['security/auth-state-without-key']);
});

test('the pure function: names and sources, secret values never kept', () => {
  const files: Record<string, string> = {
    '/srv/deploy/compose.yaml': 'services:\n  jupyterhub:\n    image: quay.io/jupyterhub/jupyterhub:5\n    environment:\n      - JPY_COOKIE_SECRET=${COOKIE:?set it}\n      - AAD_TENANT_ID=${TENANT:-contoso.onmicrosoft.com}\n      - OAUTH_CLIENT_ID=abc\n',
    '/srv/deploy/jupyterhub_config.py': '',
  };
  const io: EnvIO = { readFile: (f) => files[f] };
  const model = { kind: 'jupyterhub_config', chart: [] } as never;
  const env = environmentFor('/srv/deploy/jupyterhub_config.py', model, io)!;
  assert.deepEqual([...env.names.keys()], ['JPY_COOKIE_SECRET', 'AAD_TENANT_ID', 'OAUTH_CLIENT_ID']);
  assert.deepEqual(env.names.get('JPY_COOKIE_SECRET'), { source: 'compose.yaml, service jupyterhub (environment)' });
  assert.deepEqual(env.names.get('AAD_TENANT_ID'), { source: 'compose.yaml, service jupyterhub (environment)', value: 'contoso.onmicrosoft.com' });
  assert.equal(environmentFor('/elsewhere/jupyterhub_config.py', model, io), undefined);
});

test('literal secrets: the advice says when the deployment already supplies the variable, and only then', async () => {
  const cfg = 'c.JupyterHub.cookie_secret = "0123456789abcdef0123456789abcdef"\nc.GitHubOAuthenticator.client_secret = "9f3c2b1a0e8d7c6b5a49"\n';
  const d = deployDocker('      JPY_COOKIE_SECRET: ${COOKIE}\n    env_file: github.env', { 'config/jupyterhub_config.py': cfg, 'github.env': 'GITHUB_CLIENT_SECRET=s3cret\n' });
  const ds = await check(path.join(d, 'config', 'jupyterhub_config.py'));
  assert.deepEqual(rules(ds), ['security/literal-cookie-secret', 'security/literal-oauth-secret']);
  assert.match(ds[0].message, /Read it from the environment\. JPY_COOKIE_SECRET is already set by docker-compose\.yml, service hub \(environment\): once it holds the same secret, delete this value and the hub reads that one$/);
  assert.match(ds[1].message, /\(GITHUB_CLIENT_SECRET\)\. GITHUB_CLIENT_SECRET is already set by github\.env \(env_file of docker-compose\.yml, service hub\)/);
  assert.ok(!JSON.stringify(ds).includes('s3cret'));
  const bare = layout({ 'jupyterhub_config.py': cfg });
  const plain = await check(path.join(bare, 'jupyterhub_config.py'));
  assert.match(plain[0].message, /Read it from the environment$/);
  assert.match(plain[1].message, /Read it from the environment \(GITHUB_CLIENT_SECRET\)$/);
});

test('HOSTED_DOMAIN supplied for GoogleOAuthenticator counts as a provider restriction (allow-all)', async () => {
  const cfg = 'c.JupyterHub.authenticator_class = "google"\nc.GoogleOAuthenticator.allow_all = True\n';
  const d = deployDocker('      HOSTED_DOMAIN: example.org', { 'config/jupyterhub_config.py': cfg });
  const ds = await check(path.join(d, 'config', 'jupyterhub_config.py'));
  assert.deepEqual(ds.map((x) => [x.rule, x.severity]), [['security/allow-all', 'information']]);
  assert.match(ds[0].message, /limited to one domain or tenant by HOSTED_DOMAIN, set by docker-compose\.yml/);
  const other = deployDocker('      GITHUB_ORG: example', { 'config/jupyterhub_config.py': cfg });
  assert.deepEqual((await check(path.join(other, 'config', 'jupyterhub_config.py'))).map((x) => [x.rule, x.severity]), [['security/allow-all', 'warning']]);
});

test('z2jh: hub.extraEnv from a Secret supplies the OAuth secret and HOSTED_DOMAIN; existingSecret supplies the db password', async () => {
  const values = (env: string) => `hub:
  existingSecret: hub-secrets
  db:
    type: postgres
    url: postgresql://hub@db/jupyterhub
  config:
    JupyterHub:
      authenticator_class: google
    GoogleOAuthenticator:
      allow_all: true
      client_secret: 9f3c2b1a0e8d7c6b5a49
  extraEnv:
${env}
`;
  const withEnv = values('    OAUTH_CLIENT_SECRET:\n      valueFrom:\n        secretKeyRef:\n          name: google-oauth\n          key: secret\n    HOSTED_DOMAIN: example.org');
  const ds = (await analyze(withEnv, 'values.yaml')).diagnostics;
  const allowAll = ds.find((x) => x.rule === 'security/allow-all')!;
  assert.equal(allowAll.severity, 'information');
  const secret = ds.find((x) => x.rule === 'security/literal-oauth-secret')!;
  assert.match(secret.message, /OAUTH_CLIENT_SECRET is already set by hub\.extraEnv \(from the Secret google-oauth\)/);
  const model = await modelFromYaml(withEnv);
  assert.equal(environmentFor('values.yaml', model)?.names.get('PGPASSWORD')?.source, 'hub.existingSecret hub-secrets (key hub.db.password)');
  // the variables are not supplied: the old findings
  const without = (await analyze(values('    OTHER: "1"'), 'values.yaml')).diagnostics;
  assert.equal(without.find((x) => x.rule === 'security/allow-all')!.severity, 'warning');
  assert.doesNotMatch(without.find((x) => x.rule === 'security/literal-oauth-secret')!.message, /already set/);
});

test('CLI: the check command reads the environment beside the config', () => {
  const d = deployDocker('      JUPYTERHUB_CRYPT_KEY: ${JUPYTERHUB_CRYPT_KEY}');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--format', 'json', path.join(d, 'config')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.doesNotMatch(r.stdout, /auth-state-without-key/);
  assert.match(r.stdout, /jupyterhub_config\.py/);
  const bad = deployDocker('      OTHER: "1"');
  const r2 = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--format', 'json', path.join(bad, 'config')], { encoding: 'utf8' });
  assert.match(r2.stdout, /security\/auth-state-without-key/);
});

test('LSP: an open compose file\'s unsaved text re-checks the open config beside it', async () => {
  const d = deployDocker('      JUPYTERHUB_ADMIN: admin');
  const cfgUri = pathToFileURL(path.join(d, 'config', 'jupyterhub_config.py')).href;
  const composeUri = pathToFileURL(path.join(d, 'docker-compose.yml')).href;
  const client = new LspClient();
  try {
    await client.initialize({});
    const first = client.diagnosticsFor(cfgUri, 1);
    client.notify('textDocument/didOpen', { textDocument: { uri: cfgUri, languageId: 'python', version: 1, text: AUTH_STATE } });
    assert.deepEqual((await first).params.diagnostics.map((x: { code: string }) => x.code), ['security/auth-state-without-key']);
    const cleared = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === cfgUri && m.params.diagnostics.length === 0);
    const edited = fs.readFileSync(path.join(d, 'docker-compose.yml'), 'utf8').replace('JUPYTERHUB_ADMIN: admin', 'JUPYTERHUB_CRYPT_KEY: ${JUPYTERHUB_CRYPT_KEY}');
    client.notify('textDocument/didOpen', { textDocument: { uri: composeUri, languageId: 'yaml', version: 1, text: edited } });
    await cleared;
    // closed unsaved: the disk counts again
    const back = client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === cfgUri && m.params.diagnostics.length === 1);
    client.notify('textDocument/didClose', { textDocument: { uri: composeUri } });
    await back;
  } finally {
    await client.shutdown();
  }
});

test('no-allow-rule, create-system-users and literal-crypt-key read the supplied variables (.env beside the config)', async () => {
  const cases: [string, string, string][] = [
    ['c = get_config()\nc.JupyterHub.authenticator_class = "google"\n', 'HOSTED_DOMAIN=example.org', 'security/no-allow-rule'],
    ['c = get_config()\nc.JupyterHub.authenticator_class = "azuread"\n', 'AAD_TENANT_ID=contoso.onmicrosoft.com', 'security/no-allow-rule'],
    ['c.JupyterHub.authenticator_class = "oauthenticator.LocalGoogleOAuthenticator"\nc.LocalGoogleOAuthenticator.create_system_users = True\n', 'HOSTED_DOMAIN=example.org', 'security/create-system-users'],
  ];
  for (const [cfg, supplied, rule] of cases) {
    const on = layout({ 'jupyterhub_config.py': cfg, '.env': supplied + '\n' });
    assert.ok(!rules(await check(path.join(on, 'jupyterhub_config.py'), cfg, { jupyterhubVersion: '4.1' })).includes(rule), `${rule} with ${supplied}`);
    // not supplied, or the multi-tenant endpoint: still reported
    for (const other of ['OTHER=1', 'AAD_TENANT_ID=common']) {
      const off = layout({ 'jupyterhub_config.py': cfg, '.env': other + '\n' });
      assert.ok(rules(await check(path.join(off, 'jupyterhub_config.py'), cfg, { jupyterhubVersion: '4.1' })).includes(rule), `${rule} with ${other}`);
    }
  }
  const keys = 'c.CryptKeeper.keys = ["8a3b1f0c6e2d4a5b9c7e1f3a5b7d9e0f8a3b1f0c6e2d4a5b9c7e1f3a5b7d9e0f"]\n';
  const k = layout({ 'jupyterhub_config.py': keys, '.env': 'JUPYTERHUB_CRYPT_KEY=0123\n' });
  assert.match((await check(path.join(k, 'jupyterhub_config.py')))[0].message, /Read it from JUPYTERHUB_CRYPT_KEY\. JUPYTERHUB_CRYPT_KEY is already set by \.env: once it holds the same secret/);
  const none = layout({ 'jupyterhub_config.py': keys });
  assert.match((await check(path.join(none, 'jupyterhub_config.py')))[0].message, /Read it from JUPYTERHUB_CRYPT_KEY$/);
});

test('bad files beside the config: no crash, nothing supplied, the finding stays', async () => {
  const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`).join('\n') + '\nservices: {hub: {environment: {JUPYTERHUB_CRYPT_KEY: x}}}\n';
  for (const files of <Record<string, string>[]>[
    { 'docker-compose.yml': 'services: [unclosed\n  - {', '.env': '\u0000\u0001binary=' },
    { 'compose.yaml': bomb },
    { 'compose.yaml': 'services:\n  hub: 42\n  other:\n    environment: 17\n    env_file: [{}, 3]\n    volumes: [{type: bind}, 5]\n' },
    { 'jupyterhub.service': 'ExecStart=jupyterhub\nEnvironment=\nEnvironmentFile=\n' },
  ]) {
    const d = layout({ ...files, 'jupyterhub_config.py': AUTH_STATE });
    const t = Date.now();
    assert.deepEqual(rules(await check(path.join(d, 'jupyterhub_config.py'))), ['security/auth-state-without-key'], Object.keys(files).join());
    assert.ok(Date.now() - t < 10_000);
  }
  // a folder where a compose file would be
  const dir = layout({ 'jupyterhub_config.py': AUTH_STATE });
  fs.mkdirSync(path.join(dir, 'docker-compose.yml'));
  fs.mkdirSync(path.join(dir, '.env'));
  assert.deepEqual(rules(await check(path.join(dir, 'jupyterhub_config.py'))), ['security/auth-state-without-key']);
});
