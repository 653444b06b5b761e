// Workspace trust (fail closed): a client that says nothing about trust (Neovim, any non-VS Code
// client) gets limited mode: no interpreter is started, nothing the config names is imported. A
// trusted workspace (the client says so, or the user set hubcfg.introspection to "on") runs the
// introspection helper, which imports JupyterHub and its registered plugins but not the modules the
// config names, unless hubcfg.introspectConfigClasses is on.
//
// The interpreter is a fake script that records each start in a marker file and then runs python3
// (when there is one) with a temp dir on PYTHONPATH holding a module whose top-level code writes a
// second marker. Without a real JupyterHub, a stub `jupyterhub` package (and `traitlets`, if missing)
// stands in, so the real helper gets as far as importing what the config names.
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { LspClient } from './helpers/lsp';
import { normaliseSettings } from '../server/src/lsp/settings';
import { runHelper } from '../server/src/introspect';
import { ROOT } from './helpers/fixtures';

const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.shutdown()));
});
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-trust-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const fileUri = (p: string) => `file://${p}`;

/** HUBCFG_TEST_PYTHON (a path), else the real path of python3 (pyenv shims resolved), and what it can import. */
function findPython(): { exe: string; traitlets: boolean; jupyterhub: boolean } | undefined {
  const can = (exe: string, mod: string) => {
    try {
      execFileSync(exe, ['-c', `import ${mod}`], { stdio: 'ignore', timeout: 20000 });
      return true;
    } catch {
      return false;
    }
  };
  for (const p of [process.env.HUBCFG_TEST_PYTHON, 'python3', 'python']) {
    if (!p) continue;
    try {
      const real = execFileSync(p, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 20000 }).trim();
      // a path as given (it may be a wrapper that sets up its environment); a command: the interpreter it runs
      const exe = p.includes('/') ? p : real;
      if (exe) return { exe, traitlets: can(exe, 'traitlets.config'), jupyterhub: can(exe, 'jupyterhub') };
    } catch {
      /* next */
    }
  }
  return undefined;
}
const PY = findPython();
const NO_PY = PY ? false : 'no python3 on PATH';

const MODULE = 'hubcfg_trust_probe';
const CONFIG = `c = get_config()  # noqa\nc.JupyterHub.authenticator_class = '${MODULE}.ProbeAuthenticator'\nc.JupyterHub.admin_access = True\n`;

interface Case {
  dir: string;
  config: string;
  interpreter: string;
  /** written by the fake interpreter each time it is started */
  runMarker: string;
  /** written by the config-named module's top-level code when it is imported */
  importMarker: string;
}

let n = 0;
/** A fresh folder with a config naming the probe module, the module on PYTHONPATH, and the fake interpreter. */
function makeCase(): Case {
  const dir = path.join(tmp, `case${++n}`);
  const lib = path.join(dir, 'lib');
  const stubs = path.join(dir, 'stubs');
  fs.mkdirSync(path.join(lib, MODULE), { recursive: true });
  const runMarker = path.join(dir, 'interpreter-ran');
  const importMarker = path.join(dir, 'module-imported');
  fs.writeFileSync(path.join(lib, MODULE, '__init__.py'), `open(${JSON.stringify(importMarker)}, 'w').write('imported')\n\nclass ProbeAuthenticator(object):\n    pass\n`);
  const pythonPath = [lib];
  if (PY && !PY.jupyterhub) {
    fs.mkdirSync(path.join(stubs, 'jupyterhub'), { recursive: true });
    fs.writeFileSync(path.join(stubs, 'jupyterhub', '__init__.py'), '__version__ = "0.0.0"\n');
    if (!PY.traitlets) {
      fs.mkdirSync(path.join(stubs, 'traitlets'), { recursive: true });
      fs.writeFileSync(path.join(stubs, 'traitlets', '__init__.py'), '__version__ = "0"\nUndefined = object()\n');
      fs.writeFileSync(path.join(stubs, 'traitlets', 'config.py'), 'class Configurable(object):\n    pass\n');
    }
    pythonPath.push(stubs);
  }
  const interpreter = path.join(dir, 'python');
  const run = PY ? `PYTHONPATH='${pythonPath.join(path.delimiter)}' exec '${PY.exe}' "$@"` : 'exit 3';
  fs.writeFileSync(interpreter, `#!/bin/sh\necho run >> '${runMarker}'\n${run}\n`, { mode: 0o755 });
  const config = path.join(dir, 'jupyterhub_config.py');
  fs.writeFileSync(config, CONFIG);
  return { dir, config, interpreter, runMarker, importMarker };
}

/** A server initialized with these initializationOptions (undefined: none at all) and settings answered to workspace/configuration. */
async function server(settings: Record<string, unknown>, init: Record<string, unknown> | undefined, root: string, configurationPull = true): Promise<LspClient> {
  const c = new LspClient();
  clients.push(c);
  c.settings = settings;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the server did not answer initialize; stderr: ${c.stderr}`)), 20000)));
  await Promise.race([
    timeout,
    c.request('initialize', {
      processId: process.pid,
      rootUri: fileUri(root),
      workspaceFolders: [{ uri: fileUri(root), name: 'ws' }],
      capabilities: { workspace: { configuration: configurationPull, didChangeConfiguration: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      ...(init === undefined ? {} : { initializationOptions: init }),
    }),
  ]).finally(() => clearTimeout(timer));
  c.notify('initialized', {});
  return c;
}

async function open(c: LspClient, file: string): Promise<any[]> {
  const uri = fileUri(file);
  const wait = c.diagnosticsFor(uri, 1);
  c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: fs.readFileSync(file, 'utf8') } });
  return (await wait).params.diagnostics;
}

/** The first notification (already received or arriving) that matches. */
function notification(c: LspClient, pred: (m: any) => boolean, timeoutMs = 60000): Promise<any> {
  const seen = c.notifications.find(pred);
  return seen ? Promise.resolve(seen) : c.waitFor(pred, timeoutMs);
}
const statusOf = (c: LspClient, file: string, pred: (p: any) => boolean = () => true) =>
  notification(c, (m) => m.method === 'hubcfg/status' && m.params.uri === fileUri(file) && pred(m.params)).then((m) => m.params);
/** introspection finished (whatever its outcome) */
const done = (s: any) => ['ready', 'no-jupyterhub', 'failed'].includes(s.introspection.state);
const logLines = (c: LspClient) => c.notifications.filter((m) => m.method === 'window/logMessage').map((m) => m.params.message as string);
/** Long enough for a started interpreter to have written its marker (a hang guard, not a timing claim). */
const settle = () => new Promise((r) => setTimeout(r, 1500));

test('no initializationOptions (e.g. Neovim): limited mode, no interpreter is started, nothing the config names is imported', async () => {
  const k = makeCase();
  const c = await server({ pythonInterpreter: k.interpreter }, undefined, k.dir);
  const d = await open(c, k.config);
  assert.ok(d.some((x) => x.code === 'security/admin-access'), 'the checks themselves still run');
  const st = await statusOf(c, k.config);
  assert.equal(st.limited, true);
  assert.equal(st.introspection.state, 'untrusted');
  assert.match(st.introspection.detail, /^no trust information from the client: limited mode/);
  await settle();
  assert.equal(fs.existsSync(k.runMarker), false, 'no interpreter was started');
  assert.equal(fs.existsSync(k.importMarker), false, 'the config-named module was not imported');
  const log = logLines(c);
  assert.ok(log.some((l) => /no trust information from the client: limited mode/.test(l)), log.join('\n'));
  assert.ok(!log.some((l) => /trusted workspace|full mode,/.test(l)), 'no log line claims a trusted workspace');
});

test('no trust information, settings only in initializationOptions: limited mode too', async () => {
  const k = makeCase();
  const c = await server({}, { settings: { pythonInterpreter: k.interpreter } }, k.dir, false);
  await open(c, k.config);
  assert.equal((await statusOf(c, k.config)).introspection.state, 'untrusted');
  await settle();
  assert.equal(fs.existsSync(k.runMarker), false, 'no interpreter was started');
  assert.ok(logLines(c).some((l) => /server started .*no trust information from the client: limited mode/.test(l)));
});

test('the client says "not trusted": hubcfg.introspection "on" does not override it', async () => {
  const k = makeCase();
  const c = await server({ pythonInterpreter: k.interpreter, introspection: 'on', introspectConfigClasses: true }, { workspaceTrusted: false }, k.dir);
  await open(c, k.config);
  const st = await statusOf(c, k.config);
  assert.equal(st.limited, true);
  assert.equal(st.introspection.state, 'untrusted');
  await settle();
  assert.equal(fs.existsSync(k.runMarker), false, 'no interpreter was started');
  assert.ok(logLines(c).some((l) => /not trusted: limited mode, no interpreter is run \(hubcfg\.introspection "on" does not override that\)/.test(l)));
});

test('trusted workspace (as VS Code reports it), default settings: introspection runs, the config-named module is not imported', async () => {
  const k = makeCase();
  const c = await server({ pythonInterpreter: k.interpreter }, { workspaceTrusted: true }, k.dir);
  await open(c, k.config);
  const st = await statusOf(c, k.config, done);
  assert.equal(st.limited, false);
  assert.ok(fs.existsSync(k.runMarker), 'the interpreter was started');
  assert.equal(fs.existsSync(k.importMarker), false, 'the config-named module was not imported');
  assert.ok(logLines(c).some((l) => /the client reports a trusted workspace: full mode, the classes the config names are not imported/.test(l)));
});

test('no trust information, hubcfg.introspection "on" (workspace/configuration): full mode without the config-named module', async () => {
  const k = makeCase();
  const c = await server({ pythonInterpreter: k.interpreter, introspection: 'on' }, undefined, k.dir);
  await open(c, k.config);
  const st = await statusOf(c, k.config, done);
  assert.equal(st.limited, false);
  assert.ok(fs.existsSync(k.runMarker), 'the interpreter was started');
  assert.equal(fs.existsSync(k.importMarker), false, 'the config-named module was not imported');
  assert.ok(logLines(c).some((l) => /no trust information from the client, hubcfg\.introspection is "on": full mode/.test(l)));
});

test('no trust information, then hubcfg/workspaceTrust {trusted: true}: full mode from then on', async () => {
  const k = makeCase();
  const c = await server({ pythonInterpreter: k.interpreter }, undefined, k.dir);
  await open(c, k.config);
  assert.equal((await statusOf(c, k.config)).introspection.state, 'untrusted');
  // a notification without a boolean says nothing: still limited
  c.notify('hubcfg/workspaceTrust', {});
  await settle();
  assert.equal(fs.existsSync(k.runMarker), false);
  c.notify('hubcfg/workspaceTrust', { trusted: true });
  const st = await statusOf(c, k.config, (s) => !s.limited && done(s));
  assert.equal(st.limited, false);
  assert.ok(fs.existsSync(k.runMarker), 'the interpreter was started');
  assert.equal(fs.existsSync(k.importMarker), false, 'the config-named module was not imported');
});

test('trusted + hubcfg.introspectConfigClasses: the config-named module is imported', { skip: NO_PY }, async () => {
  const k = makeCase();
  const c = await server({ pythonInterpreter: k.interpreter, introspectConfigClasses: true }, { workspaceTrusted: true }, k.dir);
  await open(c, k.config);
  await statusOf(c, k.config, done);
  assert.ok(fs.existsSync(k.runMarker), 'the interpreter was started');
  assert.ok(fs.existsSync(k.importMarker), 'the config-named module was imported');
  assert.ok(logLines(c).some((l) => /full mode, the classes the config names are imported too \(hubcfg\.introspectConfigClasses\)/.test(l)));
});

test('the trust settings fail closed: anything but the exact values keeps auto / off', () => {
  assert.equal(normaliseSettings({}).introspection, 'auto');
  assert.equal(normaliseSettings({}).introspectConfigClasses, false);
  for (const v of ['ON', 'yes', true, 1, 'trusted']) assert.equal(normaliseSettings({ introspection: v }).introspection, 'auto', String(v));
  for (const v of ['auto', 'on', 'off'] as const) assert.equal(normaliseSettings({ introspection: v }).introspection, v);
  for (const v of ['true', 1, 'yes', null]) assert.equal(normaliseSettings({ introspectConfigClasses: v }).introspectConfigClasses, false, String(v));
  assert.equal(normaliseSettings({ introspectConfigClasses: true }).introspectConfigClasses, true);
});

test('the helper itself ignores config-named modules and classes unless the request has importConfigNamed', { skip: NO_PY }, async () => {
  const k = makeCase();
  const helper = path.join(ROOT, 'server', 'python', 'hubcfg_introspect.py');
  const named = { classes: [`${MODULE}.ProbeAuthenticator`], modules: [MODULE] };
  const a = await runHelper(k.interpreter, named, 30000, helper);
  assert.ok(a.jupyterhub, 'the helper got past importing JupyterHub');
  assert.equal(fs.existsSync(k.importMarker), false, 'not imported without importConfigNamed');
  assert.ok(a.errors.some((e) => e.startsWith('not imported (importConfigNamed is off)')), a.errors.join('; '));
  await runHelper(k.interpreter, { ...named, importConfigNamed: true }, 30000, helper);
  assert.ok(fs.existsSync(k.importMarker), 'imported with importConfigNamed');
});
