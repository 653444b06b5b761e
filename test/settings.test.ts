import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SETTING_KEYS, normaliseSettings, engineOptions } from '../server/src/lsp/settings';
import { analyze } from '../server/src/engine';
import { findProjectConfig, withProjectConfig } from '../server/src/config/project';
import { ROOT } from './helpers/fixtures';

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const CLIENT_ONLY = new Set(['trace.server']);

test('every setting in package.json is read by the server, and every server setting is in package.json', () => {
  const contributed = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^hubcfg\./, ''));
  assert.deepEqual(contributed.filter((k) => !CLIENT_ONLY.has(k)).sort(), [...SETTING_KEYS].sort());
  for (const [k, v] of Object.entries<any>(manifest.contributes.configuration.properties)) {
    assert.ok(v.scope, `${k} has a scope`);
    assert.ok(v.description || v.markdownDescription, `${k} is described`);
  }
});

const CONFIG = 'c.JupyterHub.admin_acess = True\nc.Authenticator.allow_all = True\n';
const run = (settings: unknown) => analyze(CONFIG, '/srv/jupyterhub/jupyterhub_config.py', engineOptions(normaliseSettings(settings)));

test('each editor setting changes what is reported', async () => {
  const base = await run({});
  assert.ok(base.diagnostics.some((d) => d.rule === 'traitlets/unknown-trait'));
  // rules: off and severity
  const off = await run({ rules: { 'traitlets/unknown-trait': 'off' } });
  assert.ok(!off.diagnostics.some((d) => d.rule === 'traitlets/unknown-trait'));
  const sev = await run({ rules: { 'traitlets/*': 'error' } });
  assert.equal(sev.diagnostics.find((d) => d.rule === 'traitlets/unknown-trait')?.severity, 'error');
  // jupyterhubVersion: allow_all does not exist before 5.0
  const old = await run({ jupyterhubVersion: '4.1' });
  assert.ok(old.diagnostics.some((d) => d.rule === 'traitlets/unknown-trait' && /allow_all/.test(d.message)));
  assert.ok(!base.diagnostics.some((d) => d.rule === 'traitlets/unknown-trait' && /allow_all/.test(d.message)));
  // maxFileSize
  const small = await run({ maxFileSize: 10 });
  assert.deepEqual(small.diagnostics.map((d) => d.rule), ['syntax/not-analysed']);
  // trust: isolation advice is quieter for trusted users
  const text = 'c.Spawner.disable_user_config = False\n';
  const untrusted = await analyze(text, '/srv/jupyterhub/jupyterhub_config.py', engineOptions(normaliseSettings({ trust: 'untrusted-users' })));
  const trusted = await analyze(text, '/srv/jupyterhub/jupyterhub_config.py', engineOptions(normaliseSettings({ trust: 'trusted-users' })));
  assert.notDeepEqual(untrusted.diagnostics.map((d) => d.severity), trusted.diagnostics.map((d) => d.severity));
  // enable is read by the server (it publishes nothing when false): see lsp.protocol.test.ts
  assert.equal(normaliseSettings({ enable: false }).enable, false);
});

test('a .hubcfg.yaml beside the config (or above it) sets every documented key', async () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-project-'));
  fs.mkdirSync(path.join(d, 'deploy'));
  const file = path.join(d, 'deploy', 'jupyterhub_config.py');
  fs.writeFileSync(file, CONFIG);
  fs.writeFileSync(path.join(d, '.hubcfg.yaml'), 'jupyterhubVersion: "4.1"\ntrust: trusted-users\nmaxFileSize: 100000\nversions:\n  oauthenticator: "16.2"\nrules:\n  traitlets/unknown-trait: error\n  security/*: off\n');
  const p = findProjectConfig(file);
  assert.equal(p?.path, path.join(d, '.hubcfg.yaml'));
  assert.deepEqual(p?.problems, []);
  const opts = withProjectConfig({}, p?.config);
  assert.deepEqual(opts, { jupyterhubVersion: '4.1', trust: 'trusted-users', maxFileSize: 100000, rules: { 'traitlets/unknown-trait': 'error', 'security/*': 'off' }, pluginVersions: { oauthenticator: '16.2' } });
  const r = await analyze(CONFIG, file, opts);
  assert.equal(r.pluginVersions?.oauthenticator, '16.2.0');
  assert.ok(r.diagnostics.every((d) => !d.rule.startsWith('security/')));
  assert.ok(r.diagnostics.some((d) => d.rule === 'traitlets/unknown-trait' && /allow_all/.test(d.message) && d.severity === 'error'));
  // the nearest file wins; problems are reported, not fatal
  fs.writeFileSync(path.join(d, 'deploy', '.hubcfg.yaml'), 'trust: everyone\nbogus: 1\nversions:\n  oauthenticator: soon\n  nosuchspawner: "1.0"\n');
  const q = findProjectConfig(file);
  assert.equal(q?.path, path.join(d, 'deploy', '.hubcfg.yaml'));
  assert.equal(q?.problems.length, 4, q?.problems.join('; '));
  assert.ok(q?.problems.some((m) => /versions\.oauthenticator: unknown oauthenticator version "soon"/.test(m)));
  assert.ok(q?.problems.some((m) => /versions\.nosuchspawner: unknown plugin/.test(m)));
});
