// The extension in a real VS Code extension host (code-server through the editor kit's code-shim,
// or a downloaded VS Code): activation, diagnostics with exact ranges and codes for a
// jupyterhub_config.py and a z2jh values file, hover, completion, quick fixes through the
// commands API, settings, commands, the language status item and the workspace audit.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const EXT_ID = 'hubcfg.hubcfg';
const ws = () => vscode.workspace.workspaceFolders[0].uri;
const file = (rel) => vscode.Uri.joinPath(ws(), ...rel.split('/'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the file's hubcfg diagnostics once `pred` holds for them. */
function diagnostics(uri, pred = (d) => d.length > 0, timeoutMs = 30000) {
  const get = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hubcfg');
  if (pred(get())) return Promise.resolve(get());
  return new Promise((resolve, reject) => {
    const sub = vscode.languages.onDidChangeDiagnostics(() => {
      if (pred(get())) {
        clearTimeout(t);
        sub.dispose();
        resolve(get());
      }
    });
    const t = setTimeout(() => {
      sub.dispose();
      reject(new Error(`diagnostics of ${uri.path} did not match within ${timeoutMs} ms: ${JSON.stringify(get().map(short))}`));
    }, timeoutMs);
  });
}

const code = (d) => (typeof d.code === 'object' && d.code ? d.code.value : d.code);
const short = (d) => ({ code: code(d), range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], severity: d.severity });
const find = (diags, c, line) => diags.find((d) => code(d) === c && d.range.start.line === line);

async function show(rel) {
  const doc = await vscode.workspace.openTextDocument(file(rel));
  await vscode.window.showTextDocument(doc);
  return doc;
}

async function setSetting(key, value) {
  await vscode.workspace.getConfiguration('hubcfg').update(key, value, vscode.ConfigurationTarget.Workspace);
}

let api;

describe('hubcfg in the VS Code extension host', function () {
  this.timeout(90000);

  it('activates for the workspace but starts the server only for JupyterHub configs and z2jh values', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID);
    assert.ok(ext, 'extension installed');
    // activation event: workspaceContains:**/jupyterhub_config*.py
    for (let i = 0; i < 50 && !ext.isActive; i++) await sleep(200);
    assert.ok(ext.isActive, 'activated by workspaceContains');
    api = ext.exports;
    assert.equal(api.client, undefined, 'cheap activation: no server before a config is opened');
    // neither a Python file nor a Kubernetes manifest starts the server or gets diagnostics
    const notes = await show('notes.py');
    const k8s = await show('k8s/deployment.yaml');
    await sleep(1500);
    assert.equal(api.client, undefined, 'other Python and YAML files do not start the server');
    // a config does
    await show('jupyterhub_config.py');
    await diagnostics(file('jupyterhub_config.py'));
    assert.ok(api.client, 'the server runs');
    assert.equal(api.client.isRunning(), true);
    // the server decides YAML by name and content: the manifest stays quiet
    await vscode.window.showTextDocument(k8s);
    const st = await api.waitForStatus(k8s.uri);
    assert.equal(st.kind, 'unknown');
    assert.deepEqual(vscode.languages.getDiagnostics(k8s.uri).filter((d) => d.source === 'hubcfg'), []);
    assert.deepEqual(vscode.languages.getDiagnostics(notes.uri).filter((d) => d.source === 'hubcfg'), []);
    // the Python file keeps its language: hubcfg does not take it from the Python extension
    const cfg = await vscode.workspace.openTextDocument(file('jupyterhub_config.py'));
    assert.equal(cfg.languageId, 'python');
  });

  it('reports an insecure jupyterhub_config.py with exact ranges and rule codes', async () => {
    const uri = file('jupyterhub_config.py');
    await show('jupyterhub_config.py');
    const d = await diagnostics(uri, (x) => x.length >= 5);
    const expect = [
      ['traitlets/unknown-trait', [3, 13, 3, 24], vscode.DiagnosticSeverity.Warning],
      ['traitlets/type-mismatch', [4, 35, 4, 41], vscode.DiagnosticSeverity.Error],
      ['traitlets/deprecated-trait', [6, 16, 6, 25], vscode.DiagnosticSeverity.Warning],
      ['traitlets/type-mismatch', [7, 22, 7, 27], vscode.DiagnosticSeverity.Error],
      ['traitlets/type-mismatch', [8, 26, 8, 30], vscode.DiagnosticSeverity.Error],
    ];
    for (const [c, range, severity] of expect) {
      const hit = d.find((x) => code(x) === c && JSON.stringify(short(x).range) === JSON.stringify(range));
      assert.ok(hit, `${c} at ${range} in ${JSON.stringify(d.map(short))}`);
      assert.equal(hit.severity, severity, c);
    }
    const unknown = find(d, 'traitlets/unknown-trait', 3);
    assert.match(unknown.message, /Did you mean "admin_access"/);
    assert.match(String(unknown.code.target), /docs\/rules\/traitlets-unknown-trait\.md$/, 'the code links to the rule doc');
  });

  it('reports an insecure z2jh values file with exact ranges and rule codes', async () => {
    const uri = file('values.yaml');
    const doc = await show('values.yaml');
    assert.equal(doc.languageId, 'yaml');
    const d = await diagnostics(uri, (x) => x.length >= 3);
    const expect = [
      ['traitlets/unknown-trait', [5, 6, 5, 17]],
      ['traitlets/type-mismatch', [6, 27, 6, 33]],
      ['z2jh/unknown-key', [10, 2, 10, 9]],
    ];
    for (const [c, range] of expect) {
      assert.ok(d.some((x) => code(x) === c && JSON.stringify(short(x).range) === JSON.stringify(range)), `${c} at ${range} in ${JSON.stringify(d.map(short))}`);
    }
    const st = await api.waitForStatus(uri);
    assert.equal(st.kind, 'z2jh_values');
    assert.ok(st.chartVersion, 'the chart version in use is reported');
  });

  it('shows the language status: kind of file, versions, introspection', async () => {
    const doc = await show('jupyterhub_config.py');
    const st = await api.waitForStatus(doc.uri);
    assert.equal(st.kind, 'jupyterhub_config');
    assert.equal(st.limited, false);
    await sleep(300);
    assert.match(api.languageStatus.text, /JupyterHub config · JupyterHub \d+\.\d+/);
    assert.ok(api.languageStatus.detail, 'detail says where the docs come from');
    const yaml = await show('values.yaml');
    await api.waitForStatus(yaml.uri);
    await sleep(300);
    assert.match(api.languageStatus.text, /z2jh values · JupyterHub [\d.]+ · chart [\d.]+/);
  });

  it('hover shows the trait type, default and summary (and the installed JupyterHub\'s help when there is one)', async () => {
    const doc = await show('jupyterhub_config.py');
    const python = process.env.HUBCFG_TEST_PYTHON;
    if (python) await api.waitForStatus(doc.uri, (s) => s.introspection.state === 'ready', 60000);
    const pos = new vscode.Position(7, 14); // c.Spawner.mem_limit
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*Spawner\.mem_limit\*\*/);
    assert.match(text, /ByteSpecification/);
    if (python) assert.match(text, /Help from JupyterHub [\d.]+ in .*\n*[\s\S]*Maximum number of bytes/, 'upstream help of the installed JupyterHub');
    // a class
    const cls = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(7, 4));
    assert.match(cls.flatMap((h) => h.contents.map((c) => c.value ?? c)).join('\n'), /\*\*Spawner\*\*/);
  });

  it('hover and completion in a z2jh values file: chart keys and hub.config traits', async () => {
    const doc = await show('values.yaml');
    await api.waitForStatus(doc.uri, (s) => s.kind === 'z2jh_values');
    const text = async (pos) => (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, pos)).flatMap((h) => h.contents.map((c) => c.value ?? c)).join('\n');
    assert.match(await text(new vscode.Position(2, 5)), /hub\.cookieSecret/, 'a chart key');
    assert.match(await text(new vscode.Position(4, 8)), /\*\*JupyterHub\*\* \(`jupyterhub\.app`/, 'a class under hub.config');
    assert.match(await text(new vscode.Position(6, 10)), /\*\*JupyterHub\.allow_named_servers\*\*/);
    const ed = vscode.window.activeTextEditor;
    await ed.edit((e) => e.insert(new vscode.Position(10, 0), '  \n'));
    const keys = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(10, 2));
    const labels = keys.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('memory') && labels.includes('image'), labels.slice(0, 30).join(','));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('completes classes after c. and traits after c.Class.', async () => {
    const doc = await show('complete/jupyterhub_config.py');
    await diagnostics(doc.uri, () => true);
    await api.waitForStatus(doc.uri);
    const ed = vscode.window.activeTextEditor;
    await ed.edit((e) => e.insert(new vscode.Position(2, 0), 'c.Spawner.\nc.\n'));
    const traits = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(2, 10), '.');
    const labels = traits.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('mem_limit') && labels.includes('cmd'), labels.slice(0, 20).join(','));
    const classes = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(3, 2), '.');
    const cl = classes.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(cl.includes('JupyterHub') && cl.includes('Spawner') && cl.includes('KubeSpawner'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('applies a quick fix through the commands API and the diagnostic goes away', async () => {
    const doc = await show('jupyterhub_config.py');
    const before = await diagnostics(doc.uri, (x) => !!find(x, 'traitlets/type-mismatch', 4));
    const diag = find(before, 'traitlets/type-mismatch', 4);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Write True');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(doc.lineAt(4).text, 'c.JupyterHub.allow_named_servers = True');
    await diagnostics(doc.uri, (x) => x.length > 0 && !find(x, 'traitlets/type-mismatch', 4));
    // "Explain rule" is offered next to the fixes
    const all = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, find(before, 'traitlets/unknown-trait', 3).range);
    assert.ok(all.some((a) => a.title === 'Explain traitlets/unknown-trait'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await diagnostics(doc.uri, (x) => !!find(x, 'traitlets/type-mismatch', 4));
  });

  it('a quick fix in a z2jh values file edits the YAML', async () => {
    const doc = await show('values.yaml');
    const before = await diagnostics(doc.uri, (x) => !!find(x, 'traitlets/type-mismatch', 6));
    const diag = find(before, 'traitlets/type-mismatch', 6);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', doc.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(6).text, /^ {6}allow_named_servers: true$/i);
    await diagnostics(doc.uri, (x) => x.length > 0 && !find(x, 'traitlets/type-mismatch', 6));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('"fix all safe problems" applies every safe fix and nothing else', async () => {
    const doc = await show('jupyterhub_config.py');
    await diagnostics(doc.uri, (x) => x.length >= 5);
    const n = await vscode.commands.executeCommand('hubcfg.fixAll');
    assert.ok(n >= 1);
    const text = doc.getText();
    assert.match(text, /c\.Authenticator\.allowed_users = \{"alice"\}/);
    assert.match(text, /c\.JupyterHub\.allow_named_servers = True/);
    assert.match(text, /c\.Spawner\.start_timeout = 60\n/);
    assert.match(text, /c\.JupyterHub\.admin_acess = True/, 'unsafe fixes are not applied');
    const after = await diagnostics(doc.uri, (x) => !find(x, 'traitlets/deprecated-trait', 6));
    assert.ok(find(after, 'traitlets/unknown-trait', 3));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a settings change turns a rule off (and back on)', async () => {
    const doc = await show('jupyterhub_config.py');
    await diagnostics(doc.uri, (x) => !!find(x, 'traitlets/unknown-trait', 3));
    await setSetting('rules', { 'traitlets/unknown-trait': 'off' });
    const off = await diagnostics(doc.uri, (x) => x.length > 0 && !find(x, 'traitlets/unknown-trait', 3));
    assert.ok(find(off, 'traitlets/type-mismatch', 4), 'other rules still report');
    await setSetting('rules', undefined);
    await diagnostics(doc.uri, (x) => !!find(x, 'traitlets/unknown-trait', 3));
  });

  it('hubcfg.extraGlobs adds files that are neither named nor shaped like configs', async () => {
    const uri = file('deploy/hub_settings.py');
    await show('deploy/hub_settings.py');
    await sleep(1000);
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hubcfg').length, 0);
    await setSetting('extraGlobs', ['deploy/*.py']);
    // the client restarts with the new document selector
    const d = await diagnostics(uri, (x) => !!find(x, 'traitlets/unknown-trait', 1), 45000);
    assert.deepEqual(short(find(d, 'traitlets/unknown-trait', 1)).range, [1, 15, 1, 26]);
    await setSetting('extraGlobs', undefined);
  });

  it('explain rule opens the generated rule doc shipped with the extension', async () => {
    const uri = await vscode.commands.executeCommand('hubcfg.explainRule', 'traitlets/unknown-trait');
    assert.ok(uri, 'a document was opened');
    assert.match(uri.path, /docs\/rules\/traitlets-unknown-trait\.md$/);
    assert.ok(fs.existsSync(uri.fsPath));
    assert.match(fs.readFileSync(uri.fsPath, 'utf8'), /unknown-trait/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('audit workspace lints closed configs into Problems, honours .gitignore and files.exclude, stops at the cap', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const s = await api.audit({ maxFiles: 100 });
    assert.equal(s.cancelled, false);
    assert.ok(s.configs >= 4, JSON.stringify(s)); // jupyterhub_config.py, values.yaml, nested/…, complete/…
    assert.ok(s.ignoredByGit >= 1, 'ignored/jupyterhub_config.py is in .gitignore');
    const nested = await diagnostics(file('nested/jupyterhub_config_staging.py'), (x) => !!find(x, 'traitlets/unknown-trait', 1));
    assert.ok(nested.length);
    assert.deepEqual(vscode.languages.getDiagnostics(file('ignored/jupyterhub_config.py')), []);
    assert.deepEqual(vscode.languages.getDiagnostics(file('excluded/jupyterhub_config.py')), [], 'files.exclude');
    const capped = await api.audit({ maxFiles: 1 });
    assert.equal(capped.capped, true);
    assert.equal(capped.linted, 1);
  });

  it('restart server command restarts the language server', async () => {
    const before = api.client;
    await vscode.commands.executeCommand('hubcfg.restartServer');
    assert.ok(api.client && api.client !== before && api.client.isRunning());
    const doc = await show('jupyterhub_config.py');
    await diagnostics(doc.uri, (x) => !!find(x, 'traitlets/unknown-trait', 3));
    await vscode.commands.executeCommand('hubcfg.showOutput');
  });
});
