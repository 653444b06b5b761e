// Every editor setting, read by the real server over the protocol, changes what it reports; limited
// mode (untrusted workspace), introspection of the installed JupyterHub, the status notification and
// the workspace audit. Introspection tests need a Python with JupyterHub (Debian's `jupyterhub`
// package gives /usr/bin/python3 JupyterHub 3.0); without one they are skipped with the reason.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { LspClient } from './helpers/lsp';

const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.shutdown()));
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-settings-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const fileUri = (p: string) => `file://${p}`;

/** A server with a workspace folder, settings answered to workspace/configuration, and init options (default: a trusted workspace, as VS Code reports it). */
async function server(settings: Record<string, unknown>, init: Record<string, unknown> = { workspaceTrusted: true }, root = tmp): Promise<LspClient> {
  const c = new LspClient();
  clients.push(c);
  c.settings = settings;
  // a server that does not answer (e.g. dist/ rebuilt under it) fails the test instead of hanging it
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the server did not answer initialize; stderr: ${c.stderr}`)), 20000)));
  await Promise.race([timeout, c.request('initialize', {
    processId: process.pid,
    rootUri: fileUri(root),
    workspaceFolders: [{ uri: fileUri(root), name: 'ws' }],
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    initializationOptions: init,
  })]).finally(() => clearTimeout(timer));
  c.notify('initialized', {});
  return c;
}

async function open(c: LspClient, file: string, text: string, languageId = file.endsWith('.py') ? 'python' : 'yaml'): Promise<any[]> {
  const uri = fileUri(file);
  const wait = c.diagnosticsFor(uri, 1);
  c.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return (await wait).params.diagnostics;
}

/** The first notification (already received or arriving) that matches. */
function notification(c: LspClient, pred: (m: any) => boolean, timeoutMs = 30000): Promise<any> {
  const seen = c.notifications.find(pred);
  return seen ? Promise.resolve(seen) : c.waitFor(pred, timeoutMs);
}
const statusOf = (c: LspClient, file: string, pred: (p: any) => boolean = () => true, timeoutMs?: number) =>
  notification(c, (m) => m.method === 'hubcfg/status' && m.params.uri === fileUri(file) && pred(m.params), timeoutMs).then((m) => m.params);

const CONFIG = 'c = get_config()\nc.JupyterHub.admin_acess = True\nc.Authenticator.allow_all = True\n';
const codes = (d: any[]) => d.map((x) => x.code);
let n = 0;
const fresh = (name: string) => path.join(tmp, `case${++n}`, name);

test('hubcfg.enable: false publishes nothing and says so in the status', async () => {
  const off = await server({ enable: false, pythonInterpreter: 'off' });
  const f = fresh('jupyterhub_config.py');
  assert.deepEqual(await open(off, f, CONFIG), []);
  assert.equal((await statusOf(off, f)).enabled, false);
  const on = await server({ enable: true, pythonInterpreter: 'off' });
  assert.ok(codes(await open(on, f, CONFIG)).includes('traitlets/unknown-trait'));
});

test('hubcfg.jupyterhubVersion: allow_all is unknown before JupyterHub 5', async () => {
  const old = await server({ jupyterhubVersion: '4.1', pythonInterpreter: 'off' });
  const f = fresh('jupyterhub_config.py');
  const d = await open(old, f, CONFIG);
  assert.ok(d.some((x) => x.code === 'traitlets/unknown-trait' && /allow_all/.test(x.message)));
  assert.equal((await statusOf(old, f)).jupyterhubVersion, '4.1');
  const latest = await server({ pythonInterpreter: 'off' });
  assert.ok(!(await open(latest, f, CONFIG)).some((x) => x.code === 'traitlets/unknown-trait' && /allow_all/.test(x.message)));
});

test('hubcfg.chartVersion: a key added in chart 3 is unknown to chart 2.0', async () => {
  const text = 'proxy:\n  service:\n    ipFamilyPolicy: SingleStack\nhub:\n  config:\n    JupyterHub:\n      log_level: INFO\n';
  const f = fresh('values.yaml');
  const c2 = await server({ chartVersion: '2.0.0', pythonInterpreter: 'off' });
  const d2 = await open(c2, f, text);
  const unknown = d2.find((x) => x.code === 'z2jh/unknown-key');
  assert.ok(unknown, JSON.stringify(d2));
  assert.deepEqual(unknown.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 18 } });
  const st = await statusOf(c2, f);
  assert.equal(st.kind, 'z2jh_values');
  assert.equal(st.chartVersion, '2.0.0');
  const c4 = await server({ chartVersion: '4', pythonInterpreter: 'off' });
  assert.ok(!codes(await open(c4, f, text)).includes('z2jh/unknown-key'));
});

test('hubcfg.trust: isolation advice is quieter for trusted users', async () => {
  const text = 'c.Spawner.disable_user_config = False\n';
  const f = fresh('jupyterhub_config.py');
  const u = await open(await server({ trust: 'untrusted-users', pythonInterpreter: 'off' }), f, text);
  const t = await open(await server({ trust: 'trusted-users', pythonInterpreter: 'off' }), f, text);
  assert.ok(u.length > 0);
  assert.notDeepEqual(u.map((x) => x.severity), t.map((x) => x.severity));
});

test('hubcfg.rules: a rule off, a category raised to error', async () => {
  const f = fresh('jupyterhub_config.py');
  const off = await open(await server({ rules: { 'traitlets/unknown-trait': 'off' }, pythonInterpreter: 'off' }), f, CONFIG);
  assert.ok(!codes(off).includes('traitlets/unknown-trait'));
  const err = await open(await server({ rules: { 'traitlets/*': 'error' }, pythonInterpreter: 'off' }), f, CONFIG);
  assert.equal(err.find((x) => x.code === 'traitlets/unknown-trait').severity, 1);
});

test('hubcfg.extraGlobs: files neither name nor content marks as configs are checked when a glob matches', async () => {
  const py = path.join(tmp, 'deploy', 'hub_settings.py');
  const pyText = 'cfg = get_config()\ncfg.JupyterHub.admin_acess = True\n';
  const yml = path.join(tmp, 'deploy', 'cluster.yaml');
  const ymlText = 'proxy:\n  servce:\n    type: NodePort\n';
  const plain = await server({ pythonInterpreter: 'off' });
  assert.deepEqual(await open(plain, py, pyText), []);
  assert.deepEqual(await open(plain, yml, ymlText), []);
  assert.equal((await statusOf(plain, yml)).kind, 'unknown');
  const globbed = await server({ extraGlobs: ['deploy/*.py', 'cluster.yaml'], pythonInterpreter: 'off' });
  const d = await open(globbed, py, pyText);
  assert.deepEqual(d.map((x) => [x.code, x.range.start.line, x.range.start.character]), [['traitlets/unknown-trait', 1, 15]]);
  const y = await open(globbed, yml, ymlText);
  assert.ok(codes(y).includes('z2jh/unknown-key'), JSON.stringify(y));
  const st = await statusOf(globbed, yml);
  assert.equal(st.kind, 'z2jh_values');
  assert.equal(st.forced, true);
  // a glob that does not match leaves the file alone
  const other = await server({ extraGlobs: ['elsewhere/*.py'], pythonInterpreter: 'off' });
  assert.deepEqual(await open(other, py, pyText), []);
});

test('hubcfg.maxFileSize: larger files are reported, not analysed', async () => {
  const f = fresh('jupyterhub_config.py');
  const d = await open(await server({ maxFileSize: 20, pythonInterpreter: 'off' }), f, CONFIG);
  assert.deepEqual(codes(d), ['syntax/not-analysed']);
  assert.match(d[0].message, /larger than the limit of 20/);
});

// ---- hubcfg.pythonInterpreter and introspection -------------------------------------------------

/** A Python with JupyterHub: HUBCFG_TEST_PYTHON, else /usr/bin/python3, else python3 on PATH. */
function pythonWithJupyterhub(): string | undefined {
  for (const p of [process.env.HUBCFG_TEST_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!p) continue;
    try {
      execFileSync(p, ['-c', 'import jupyterhub.app'], { stdio: 'ignore', timeout: 20000 });
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}
const PY = pythonWithJupyterhub();
const NO_PY = PY ? false : 'no Python with JupyterHub found (apt-get install jupyterhub, or set HUBCFG_TEST_PYTHON)';

/** An interpreter wrapper that adds a demo plugin to the path and records each run in a marker file. */
function wrapper(name: string): { interpreter: string; marker: string } {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'hubcfg_demo_plugin.py'),
    [
      'from jupyterhub.spawner import LocalProcessSpawner',
      'from traitlets import Integer, Unicode',
      '',
      'class DemoSpawner(LocalProcessSpawner):',
      '    """A spawner that exists only in hubcfg\'s tests."""',
      '    demo_image = Unicode("demo:latest", help="The container image the demo spawner starts for each user.").tag(config=True)',
      '    demo_port = Integer(8888, help="Port of the demo server.").tag(config=True)',
      '',
    ].join('\n'),
  );
  const marker = path.join(dir, 'runs.log');
  const interpreter = path.join(dir, 'python');
  fs.writeFileSync(interpreter, `#!/bin/sh\necho run >> '${marker}'\nPYTHONPATH='${dir}' exec '${PY}' "$@"\n`, { mode: 0o755 });
  return { interpreter, marker };
}

const PLUGIN_CONFIG = 'c = get_config()\nc.JupyterHub.spawner_class = "hubcfg_demo_plugin.DemoSpawner"\nc.DemoSpawner.demo_imag = "x"\nc.DemoSpawner.demo_image = "x"\nc.JupyterHub.admin_users = set()\n';

test('hubcfg.pythonInterpreter: hover shows the installed JupyterHub\'s own help', { skip: NO_PY }, async () => {
  const c = await server({ pythonInterpreter: PY });
  const f = fresh('jupyterhub_config.py');
  await open(c, f, 'c.JupyterHub.ip = "127.0.0.1"\nc.Spawner.mem_limit = "1G"\n');
  const st = await statusOf(c, f, (s) => s.introspection.state === 'ready', 60000);
  assert.match(st.introspection.detail, /docs from JupyterHub \d/);
  const h = await c.request('textDocument/hover', { textDocument: { uri: fileUri(f) }, position: { line: 1, character: 12 } });
  assert.match(h.contents.value, /\*\*Spawner\.mem_limit\*\*/, 'our hover first');
  assert.match(h.contents.value, /Help from JupyterHub \d[\d.]* in /);
  assert.match(h.contents.value, /Maximum number of bytes a single-user notebook server is allowed to use/, 'upstream help text, read at run time');
});

test('hubcfg.pythonInterpreter: unknown-trait checks cover plugin classes found by introspection', { skip: NO_PY }, async () => {
  const f = fresh('jupyterhub_config.py');
  const off = await server({ pythonInterpreter: 'off' });
  assert.ok(!(await open(off, f, PLUGIN_CONFIG)).some((d) => /demo_imag/.test(d.message)), 'unknown class: no trait check without introspection');
  const { interpreter } = wrapper('plugin');
  // the plugin module is named only by the config (no entry point): imported only with the opt-in
  const c = await server({ pythonInterpreter: interpreter, introspectConfigClasses: true });
  await open(c, f, PLUGIN_CONFIG);
  const m = await notification(c, (x) => x.method === 'textDocument/publishDiagnostics' && x.params.uri === fileUri(f) && x.params.diagnostics.some((d: any) => /demo_imag"/.test(d.message)), 60000);
  const d = m.params.diagnostics.find((x: any) => /demo_imag"/.test(x.message));
  assert.equal(d.code, 'traitlets/unknown-trait');
  assert.deepEqual(d.range, { start: { line: 2, character: 14 }, end: { line: 2, character: 23 } });
  assert.match(d.message, /Did you mean "demo_image"/);
  const h = await c.request('textDocument/hover', { textDocument: { uri: fileUri(f) }, position: { line: 3, character: 18 } });
  assert.match(h.contents.value, /The container image the demo spawner starts for each user/);
  // completion offers the plugin's traits
  const items = await c.request('textDocument/completion', { textDocument: { uri: fileUri(f) }, position: { line: 3, character: 14 } });
  assert.ok(items.some((i: any) => i.label === 'demo_port'));
});

test('untrusted workspace: limited mode runs no interpreter until the workspace is trusted', { skip: NO_PY }, async () => {
  const { interpreter, marker } = wrapper('untrusted');
  const c = await server({ pythonInterpreter: interpreter }, { workspaceTrusted: false });
  const f = fresh('jupyterhub_config.py');
  const d = await open(c, f, CONFIG);
  assert.ok(codes(d).includes('traitlets/unknown-trait'), 'the checks themselves still run');
  const st = await statusOf(c, f);
  assert.equal(st.limited, true);
  assert.equal(st.introspection.state, 'untrusted');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(fs.existsSync(marker), false, 'no interpreter was run');
  // the user trusts the workspace: full mode
  c.notify('hubcfg/workspaceTrust', { trusted: true });
  const ready = await statusOf(c, f, (s) => !s.limited && s.introspection.state === 'ready', 60000);
  assert.equal(ready.limited, false);
  assert.ok(fs.existsSync(marker));
});

test('hubcfg.pythonInterpreter: off, or an interpreter that does not exist, is stated and harmless', async () => {
  const f = fresh('jupyterhub_config.py');
  const off = await server({ pythonInterpreter: 'off' });
  await open(off, f, CONFIG);
  assert.equal((await statusOf(off, f)).introspection.state, 'off');
  const missing = await server({ pythonInterpreter: path.join(tmp, 'no', 'such', 'python') });
  const d = await open(missing, f, CONFIG);
  assert.ok(codes(d).includes('traitlets/unknown-trait'));
  assert.equal((await statusOf(missing, f)).introspection.state, 'unavailable');
});

test('introspection runs once per interpreter and request (cached), within its time limit', { skip: NO_PY }, async () => {
  const { interpreter, marker } = wrapper('cache');
  const c = await server({ pythonInterpreter: interpreter });
  for (let i = 0; i < 3; i++) {
    const f = fresh('jupyterhub_config.py');
    await open(c, f, 'c.JupyterHub.ip = "127.0.0.1"\n');
    await statusOf(c, f, (s) => s.introspection.state === 'ready', 60000);
  }
  assert.equal(fs.readFileSync(marker, 'utf8').trim().split('\n').length, 1);
});

// ---- audit ---------------------------------------------------------------------------------------

test('hubcfg/audit lints closed files into diagnostics, with counts, and ignores other files', async () => {
  const root = path.join(tmp, 'audit');
  fs.mkdirSync(path.join(root, 'a'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a', 'jupyterhub_config.py'), CONFIG);
  fs.writeFileSync(path.join(root, 'a', 'values.yaml'), 'hub:\n  config:\n    JupyterHub:\n      admin_acess: true\n');
  fs.writeFileSync(path.join(root, 'a', 'deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\n');
  const c = await server({ pythonInterpreter: 'off' }, {}, root);
  const files = ['a/jupyterhub_config.py', 'a/values.yaml', 'a/deployment.yaml'].map((r) => ({ uri: fileUri(path.join(root, r)) }));
  const got = new Map<string, any[]>();
  const collecting = new Promise<void>((resolve) => {
    const check = () => got.size >= 2 && resolve();
    c.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (got.set(m.params.uri, m.params.diagnostics), got.size >= 2), 20000).then(check, check);
  });
  const r = await c.request('hubcfg/audit', { files });
  await collecting;
  assert.deepEqual({ files: r.files, configs: r.configs, cancelled: r.cancelled }, { files: 3, configs: 2, cancelled: false });
  assert.ok(r.problems >= 2);
  assert.ok(got.get(files[0].uri)!.some((d) => d.code === 'traitlets/unknown-trait'));
  assert.ok(got.get(files[1].uri)!.some((d) => d.code === 'traitlets/unknown-trait'));
  assert.ok(!got.has(files[2].uri));
  // text sent by the client wins over the disk (virtual file systems, unsaved state)
  const r2 = await c.request('hubcfg/audit', { files: [{ uri: fileUri(path.join(root, 'b', 'jupyterhub_config.py')), text: 'c.JupyterHub.admin_access = True\n' }] });
  assert.equal(r2.configs, 1);
});

test('an unsaved buffer is checked when its language and content make it a config', async () => {
  const c = await server({ pythonInterpreter: 'off' });
  const uri = 'untitled:Untitled-1';
  const wait = c.diagnosticsFor(uri, 1);
  c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: CONFIG } });
  assert.ok(codes((await wait).params.diagnostics).includes('traitlets/unknown-trait'));
  const other = 'untitled:Untitled-2';
  const wait2 = c.diagnosticsFor(other, 1);
  c.notify('textDocument/didOpen', { textDocument: { uri: other, languageId: 'python', version: 1, text: 'print("hello")\n' } });
  assert.deepEqual((await wait2).params.diagnostics, []);
});
