import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './helpers/fixtures';

const BIN = path.join(ROOT, 'bin', 'hubcfg.js');

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-test-'));
}

test('exit codes: 1 with an error finding, 0 when clean, 2 on usage errors and unreadable files', () => {
  const d = tmpdir();
  fs.writeFileSync(path.join(d, 'jupyterhub_config.py'), 'c.JupyterHub.allow_named_servers = "True"\n');
  fs.mkdirSync(path.join(d, 'clean'));
  fs.writeFileSync(path.join(d, 'clean', 'jupyterhub_config.py'), 'c.JupyterHub.allow_named_servers = True\n');
  const bad = run(['check', path.join(d, 'jupyterhub_config.py')]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, /jupyterhub_config\.py:1:36: error \[traitlets\/type-mismatch\]/);
  assert.equal(run(['check', path.join(d, 'clean')]).code, 0);
  assert.equal(run(['check']).code, 2);
  assert.equal(run(['check', '--format', 'xml', d]).code, 2);
  assert.equal(run(['check', '--jupyterhub-version', 'banana', d]).code, 2);
  assert.equal(run(['check', '--rule', 'no/such-rule=off', d]).code, 2);
  const missing = run(['check', path.join(d, 'nope.py')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope\.py/);
  assert.equal(run(['frobnicate']).code, 2);
});

test('JSON output keeps the contract shape', () => {
  const d = tmpdir();
  const f = path.join(d, 'jupyterhub_config.py');
  fs.writeFileSync(f, 'c.Authenticator.whitelist = {"a"}\n');
  const r = run(['check', '--format', 'json', f]);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['version', 'files']);
  assert.equal(j.version, 1);
  assert.deepEqual(Object.keys(j.files[0]), ['path', 'kind', 'diagnostics']);
  assert.equal(j.files[0].kind, 'jupyterhub_config');
  const d0 = j.files[0].diagnostics[0];
  assert.deepEqual(Object.keys(d0), ['rule', 'severity', 'message', 'range', 'fixes']);
  assert.deepEqual(d0.range, { start: { line: 0, character: 16 }, end: { line: 0, character: 25 } });
  assert.deepEqual(d0.fixes[0], { title: 'Rename to Authenticator.allowed_users', applicability: 'safe', edits: [{ range: { start: { line: 0, character: 16 }, end: { line: 0, character: 25 } }, newText: 'allowed_users' }] });
});

test('SARIF 2.1.0 output with rules, levels and 1-based regions', () => {
  const d = tmpdir();
  const f = path.join(d, 'jupyterhub_config.py');
  fs.writeFileSync(f, 'c.JupyterHub.admin_acess = True\n');
  const j = JSON.parse(run(['check', '--format', 'sarif', f]).stdout);
  assert.equal(j.version, '2.1.0');
  const runObj = j.runs[0];
  assert.equal(runObj.tool.driver.name, 'hubcfg');
  const res = runObj.results[0];
  assert.equal(res.ruleId, 'traitlets/unknown-trait');
  assert.equal(runObj.tool.driver.rules[res.ruleIndex].id, 'traitlets/unknown-trait');
  assert.equal(res.level, 'warning');
  assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 1, startColumn: 14, endLine: 1, endColumn: 25 });
  for (const r of runObj.tool.driver.rules) {
    assert.ok(r.shortDescription.text && r.helpUri && ['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
  }
});

test('--fix applies safe fixes only, atomically, keeping every other byte', () => {
  const d = tmpdir();
  const f = path.join(d, 'jupyterhub_config.py');
  const text = '# keep me\r\nc.Authenticator.whitelist = {"a"}  # trailing\r\nc.JupyterHub.admin_acess = True\r\nc.Spawner.start_timeout = 60.0\r\n\tx = "é😀"\r\n';
  fs.writeFileSync(f, text);
  const r = run(['check', '--fix', f]);
  const fixed = fs.readFileSync(f, 'utf8');
  assert.equal(fixed, text.replace('whitelist', 'allowed_users').replace('60.0', '60'));
  assert.match(r.stdout, /admin_acess/);
  assert.deepEqual(fs.readdirSync(d), ['jupyterhub_config.py']);
});

test('directories, globs, and non-config files', () => {
  const d = tmpdir();
  fs.mkdirSync(path.join(d, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(d, 'a', 'jupyterhub_config.py'), 'c.JupyterHub.ip = "x"\n');
  fs.writeFileSync(path.join(d, 'a', 'b', 'jupyterhub_config_prod.py'), 'c.JupyterHub.ip = 5\n');
  fs.writeFileSync(path.join(d, 'a', 'b', 'other.py'), 'print(1)\n');
  fs.writeFileSync(path.join(d, 'notes.txt'), 'hello\n');
  const dir = JSON.parse(run(['check', '--format', 'json', d]).stdout);
  assert.deepEqual(dir.files.map((f: any) => path.basename(f.path)).sort(), ['jupyterhub_config.py', 'jupyterhub_config_prod.py']);
  const glob = JSON.parse(run(['check', '--format', 'json', 'a/**/*.py'], d).stdout);
  assert.deepEqual(glob.files.map((f: any) => f.path).sort(), ['a/b/jupyterhub_config_prod.py', 'a/b/other.py', 'a/jupyterhub_config.py']);
  const other = glob.files.find((f: any) => f.path === 'a/b/other.py');
  assert.equal(other.kind, 'unknown');
  const txt = run(['check', path.join(d, 'notes.txt')]);
  assert.equal(txt.code, 0);
  assert.match(txt.stdout, /not a JupyterHub config/);
});

test('invalid UTF-8 and binary files get a clear message', () => {
  const d = tmpdir();
  const f = path.join(d, 'jupyterhub_config.py');
  fs.writeFileSync(f, Buffer.from([0x63, 0x2e, 0xff, 0xfe, 0x0a]));
  const r = JSON.parse(run(['check', '--format', 'json', f]).stdout);
  assert.equal(r.files[0].diagnostics[0].rule, 'syntax/not-analysed');
  assert.match(r.files[0].diagnostics[0].message, /not valid UTF-8/);
});

test('--jupyterhub-version and --rule change the verdict', () => {
  const d = tmpdir();
  const f = path.join(d, 'jupyterhub_config.py');
  fs.writeFileSync(f, 'c.Authenticator.allow_all = True\n');
  const old = JSON.parse(run(['check', '--format', 'json', '--jupyterhub-version', '4.1', f]).stdout);
  assert.deepEqual(old.files[0].diagnostics.map((x: any) => x.rule), ['traitlets/unknown-trait']);
  const off = JSON.parse(run(['check', '--format', 'json', '--jupyterhub-version', '4.1', '--rule', 'traitlets/unknown-trait=off', f]).stdout);
  assert.deepEqual(off.files[0].diagnostics, []);
  const asError = JSON.parse(run(['check', '--format', 'json', '--jupyterhub-version', '4.1', '--rule', 'traitlets/*=error', f]).stdout);
  assert.equal(asError.files[0].diagnostics[0].severity, 'error');
});

test('--plugin-version judges a plugin as that release; --fix then keeps what that release reads', () => {
  const d = tmpdir();
  const file = path.join(d, 'jupyterhub_config.py');
  const text = 'c.JupyterHub.authenticator_class = "cilogon"\nc.CILogonOAuthenticator.allowed_idps = {"https://idp.example.org": {"username_derivation": {"username_claim": "email"}}}\n';
  fs.writeFileSync(file, text);
  const old = run(['check', '--plugin-version', 'oauthenticator=17.3', '--fix', file]);
  assert.equal(old.code, 0, old.stdout + old.stderr);
  assert.equal(fs.readFileSync(file, 'utf8'), text);
  // a .hubcfg.yaml can say it too; the flag wins
  fs.writeFileSync(path.join(d, '.hubcfg.yaml'), 'versions:\n  oauthenticator: "17.3"\n');
  assert.doesNotMatch(run(['check', file]).stdout, /deprecated-trait/);
  assert.match(run(['check', '--plugin-version=oauthenticator=17.4', file]).stdout, /allowed_idps is deprecated since oauthenticator 17\.4\.0: use CILogonOAuthenticator\.idps/);
  const bad = run(['check', '--plugin-version', 'oauthenticator=soon', file]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown oauthenticator version "soon"/);
  assert.equal(run(['check', '--plugin-version', 'nosuchspawner=1.0', file]).code, 2);
  assert.equal(run(['check', '--plugin-version', 'oauthenticator', file]).code, 2);
});
