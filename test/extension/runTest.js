// Runs the extension test suite (test/extension/suite) with @vscode/test-electron's runTests().
//
//   CODE_SHIM=<kit>/code-shim.js node test/extension/runTest.js   # in code-server (the editor kit)
//   node test/extension/runTest.js                               # downloads VS Code 1.100.3 (needs the internet and a display)
//
// The workspace is a scratch copy of test/extension/workspace (the tests change settings and
// files), plus files that cannot be committed as such: a .gitignore'd config and a files.exclude'd one.
// HUBCFG_TEST_PYTHON: a Python with JupyterHub; when set, hover must show its upstream help.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { runTests } = require('@vscode/test-electron');

function pythonWithJupyterhub() {
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

(async () => {
  const root = path.resolve(__dirname, '..', '..');
  if (!fs.existsSync(path.join(root, 'dist', 'server.js'))) {
    console.error('runTest: build first (npm run build)');
    process.exit(2);
  }
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-ext-ws-'));
  fs.cpSync(path.join(__dirname, 'workspace'), ws, { recursive: true });
  const config = 'c = get_config()  # noqa: F821\nc.JupyterHub.admin_acess = True\n';
  fs.mkdirSync(path.join(ws, 'ignored'));
  fs.writeFileSync(path.join(ws, 'ignored', 'jupyterhub_config.py'), config);
  fs.writeFileSync(path.join(ws, '.gitignore'), '# git ignores these\nignored/\n*.log\n');
  fs.mkdirSync(path.join(ws, 'excluded'));
  fs.writeFileSync(path.join(ws, 'excluded', 'jupyterhub_config.py'), config);
  const python = pythonWithJupyterhub();
  fs.mkdirSync(path.join(ws, '.vscode'));
  fs.writeFileSync(
    path.join(ws, '.vscode', 'settings.json'),
    JSON.stringify({ 'files.exclude': { '**/excluded': true }, 'hubcfg.pythonInterpreter': python ?? 'off' }, null, 2),
  );
  console.log(`runTest: workspace ${ws}; introspection with ${python ?? '(no Python with JupyterHub: off)'}`);
  let code = 0;
  try {
    await runTests({
      // unset: runTests downloads VS Code; the kit's code-shim.js runs the suite in code-server
      vscodeExecutablePath: process.env.CODE_SHIM || undefined,
      version: process.env.CODE_SHIM ? undefined : '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      launchArgs: [ws, '--disable-extensions'],
      extensionTestsEnv: { HUBCFG_TEST_PYTHON: python ?? '' },
    });
  } catch (e) {
    console.error('runTest: extension tests failed:', e.message || e);
    code = 1;
  } finally {
    if (!code || !process.env.EDITOR_HARNESS_KEEP) fs.rmSync(ws, { recursive: true, force: true });
  }
  process.exit(code);
})();
