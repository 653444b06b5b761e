import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { modelFromYaml, findValuesRoot } from '../server/src/model/fromYaml';
import { detectKind, analyze } from '../server/src/engine';
import { parseDocument } from 'yaml';
import { fixAll } from '../server/src/fixes';

const slice = (text: string, s: { start: number; end: number }) => text.slice(s.start, s.end);

test('z2jh values are recognised by name and content; other YAML is left alone', () => {
  assert.equal(detectKind('deploy/config.yaml', 'hub:\n  config: {}\n'), 'z2jh_values');
  assert.equal(detectKind('values.yml', 'proxy:\n  secretToken: x\n'), 'z2jh_values');
  assert.equal(detectKind('chart/values.yaml', 'jupyterhub:\n  hub:\n    config: {}\n  singleuser:\n    image: {}\n'), 'z2jh_values');
  assert.equal(detectKind('basehub/values.yaml', 'basehub:\n  jupyterhub:\n    hub:\n      config: {}\n'), 'z2jh_values');
  assert.equal(detectKind('.github/workflows/ci.yaml', 'on: push\njobs:\n  test: {}\n'), 'unknown');
  assert.equal(detectKind('docker-compose.yaml', 'services:\n  hub:\n    image: x\n'), 'unknown');
  assert.equal(detectKind('values.yaml', 'replicaCount: 1\nimage:\n  tag: x\n'), 'unknown');
  // the chart's schema: its properties are named like values
  const schema = '$schema: http://json-schema.org/draft-07/schema#\ntype: object\nproperties:\n  hub:\n    type: object\n    properties:\n      config: {}\n  singleuser:\n    type: object\n';
  assert.equal(detectKind('jupyterhub/values.schema.yaml', schema), 'unknown');
  assert.equal(detectKind('chart/schema.yaml', schema), 'unknown');
  // a file with another name needs more evidence
  assert.equal(detectKind('deploy/prod.yaml', 'hub:\n  config: {}\nsingleuser:\n  image: {}\n'), 'z2jh_values');
  // modelines force it either way
  assert.equal(detectKind('anything.yaml', '# hubcfg: kind=z2jh\nfoo: 1\n'), 'z2jh_values');
  assert.equal(detectKind('config.yaml', '# hubcfg: kind=none\nhub:\n  config: {}\n'), 'unknown');
});

test('values root under wrapper keys', () => {
  const root = (t: string) => {
    const d = parseDocument(t);
    return findValuesRoot(d.contents as never, d);
  };
  assert.deepEqual(root('hub: {}\n'), []);
  assert.deepEqual(root('jupyterhub:\n  hub: {}\n'), ['jupyterhub']);
  assert.deepEqual(root('daskhub:\n  jupyterhub:\n    proxy: {}\n'), ['daskhub', 'jupyterhub']);
  assert.deepEqual(root('mychart:\n  singleuser: {}\n'), ['mychart']);
  assert.equal(root('foo: 1\n'), undefined);
  // split files that set only other chart keys
  assert.deepEqual(root('jupyterhub:\n  ingress:\n    enabled: true\n'), ['jupyterhub']);
  assert.deepEqual(root('prePuller:\n  continuous:\n    enabled: false\n'), []);
  assert.equal(root('mychart:\n  ingress: {}\n'), undefined);
});

test('hub.config, loadRoles, services and chart values become traitlet operations with YAML ranges', async () => {
  const text = [
    'jupyterhub:',
    '  hub:',
    '    allowNamedServers: true',
    '    config:',
    '      JupyterHub:',
    '        admin_access: false',
    '    loadRoles:',
    '      teachers:',
    '        scopes: [admin:users]',
    '    services:',
    '      culler:',
    '        admin: true',
    '',
  ].join('\n');
  const m = await modelFromYaml(text);
  assert.deepEqual(m.valuesRoots, [['jupyterhub']]);
  const ops = m.ops.map((o) => `${o.cls}.${o.trait}:${o.origin}`);
  assert.deepEqual(ops, ['JupyterHub.allow_named_servers:chart', 'JupyterHub.admin_access:hub.config', 'JupyterHub.load_roles:chart', 'JupyterHub.services:chart']);
  const admin = m.ops[1];
  assert.equal(slice(text, admin.clsSpan), 'JupyterHub');
  assert.equal(slice(text, admin.traitSpan), 'admin_access');
  assert.equal(slice(text, admin.value.span), 'false');
  const roles = m.ops[2].value;
  assert.equal(roles.kind, 'list');
  const role = roles.kind === 'list' ? roles.items[0] : undefined;
  assert.ok(role && role.kind === 'dict');
  const name = role.kind === 'dict' ? role.entries.find((e) => e.key.kind === 'str' && e.key.value === 'name') : undefined;
  assert.equal(name?.value.kind === 'str' && name.value.value, 'teachers');
  assert.equal(slice(text, name!.value.span), 'teachers');
});

test('anchors, aliases, merge keys and several documents', async () => {
  const text = [
    'x-common: &limits',
    '  limit: 1G',
    'hub:',
    '  config:',
    '    Spawner: &sp',
    '      start_timeout: 60.0',
    '    KubeSpawner:',
    '      <<: *sp',
    '      http_timeout: 30',
    'singleuser:',
    '  memory: *limits',
    '---',
    'hub:',
    '  config:',
    '    JupyterHub:',
    '      admin_access: true',
    '',
  ].join('\n');
  const m = await modelFromYaml(text);
  assert.deepEqual(m.valuesRoots, [[], []]);
  const mem = m.chart.find((s) => s.path.join('.') === 'singleuser.memory.limit');
  assert.equal(mem?.value.kind === 'str' && mem.value.value, '1G');
  assert.equal(m.chart.filter((s) => s.path.join('.') === 'hub.config.KubeSpawner.start_timeout').length, 1);
  assert.ok(m.ops.some((o) => o.cls === 'JupyterHub' && o.trait === 'admin_access'));
});

test('an alias bomb is bounded', async () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  const names = 'bcdefghij'.split('');
  let prev = 'a';
  for (const n of names) {
    lines.push(`${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    prev = n;
  }
  lines.push(`hub:\n  config:\n    JupyterHub:\n      x: *${prev}`);
  const t0 = Date.now();
  const r = await analyze(lines.join('\n') + '\n', 'config.yaml');
  assert.ok(Date.now() - t0 < 5000);
  assert.ok(r.diagnostics.some((d) => d.rule === 'syntax/not-analysed' || d.rule === 'syntax/parse-error'), JSON.stringify(r.diagnostics.map((d) => d.rule)));
});

test('Python in extraConfig: exact positions for block scalars (| |- |+ |2), quoted ones fall back to the scalar', async () => {
  const text = [
    'hub:',
    '  extraConfig:',
    '    a: |',
    '      c.JupyterHub.ip = "a"',
    '',
    '      c.JupyterHub.port = 1',
    '    b: |-',
    '        c.Spawner.cmd = "x"',
    '    c: |+',
    '      c.Spawner.args = []',
    '',
    '    d: |4',
    '          c.Spawner.default_url = "/lab"',
    '    e: "c.Spawner.mem_limit = \\"1G\\""',
    '    f: c.Spawner.cpu_limit = 1',
    '',
  ].join('\n');
  const m = await modelFromYaml(text);
  const at = (trait: string) => m.ops.find((o) => o.trait === trait)!;
  for (const t of ['ip', 'port', 'cmd', 'args', 'default_url', 'cpu_limit']) assert.equal(slice(text, at(t).traitSpan), t, t);
  assert.equal(slice(text, at('default_url').value.span), '"/lab"');
  // escapes inside a double-quoted scalar: the whole scalar, never a wrong place
  assert.equal(slice(text, at('mem_limit').traitSpan), '"c.Spawner.mem_limit = \\"1G\\""');
  assert.ok(m.embedded!.find((r) => r.exact && r.fixable));
});

test('the old single-string extraConfig form is Python too', async () => {
  const text = 'hub:\n  extraConfig: |\n    c.JupyterHub.admin_acess = True\n';
  const r = await analyze(text, 'config.yaml');
  const d = r.diagnostics.find((x) => x.rule === 'traitlets/unknown-trait');
  assert.deepEqual(d?.range, { start: { line: 2, character: 17 }, end: { line: 2, character: 28 } });
});

test('a fix inside extraConfig edits the YAML text correctly', async () => {
  const text = 'hub:\n  extraConfig:\n    x: |\n      c.Authenticator.whitelist = {"a"}  # keep\n';
  const fixed = await fixAll(text, 'config.yaml', {});
  assert.equal(fixed.text, 'hub:\n  extraConfig:\n    x: |\n      c.Authenticator.allowed_users = {"a"}  # keep\n');
});

test('a rename that moves one trait to another class never renames a hub.config section its siblings share', async () => {
  const shared = 'hub:\n  config:\n    JupyterHub:\n      admin_users: [alice]\n      authenticator_class: github\n';
  const all = ['safe', 'unsafe', 'suggestion'] as const;
  const r = await analyze(shared, 'config.yaml');
  const dep = r.diagnostics.find((d) => d.rule === 'traitlets/deprecated-trait');
  assert.ok(dep, 'JupyterHub.admin_users is reported');
  // renaming the section key would move authenticator_class to Authenticator, where it does nothing
  assert.deepEqual(dep.fixes, []);
  assert.equal((await fixAll(shared, 'config.yaml', {}, [...all])).text.includes('    JupyterHub:\n'), true);

  // alone in its section (and no Authenticator section yet): the section is renamed, nothing else moves
  const alone = 'hub:\n  config:\n    JupyterHub:\n      admin_users: [alice]\n    GitHubOAuthenticator:\n      allowed_organizations: [org]\n';
  const fixed = await fixAll(alone, 'config.yaml', {});
  assert.equal(fixed.text, alone.replace('    JupyterHub:\n', '    Authenticator:\n'));

  // an Authenticator section already exists: a second one would be a duplicate key
  const both = 'hub:\n  config:\n    JupyterHub:\n      admin_users: [alice]\n    Authenticator:\n      allowed_users: [bob]\n';
  assert.equal((await fixAll(both, 'config.yaml', {}, [...all])).text, both);
});

test('a deprecated name is renamed safely only when the new trait takes the same value', async () => {
  // CILogonOAuthenticator.username_claim became part of idps (a dict): renaming would break the hub
  const text = 'hub:\n  config:\n    CILogonOAuthenticator:\n      username_claim: email\n';
  const r = await analyze(text, 'config.yaml');
  const dep = r.diagnostics.find((d) => d.rule === 'traitlets/deprecated-trait');
  assert.ok(dep);
  assert.ok(dep.fixes.every((f) => f.applicability !== 'safe'), JSON.stringify(dep.fixes));
  assert.equal((await fixAll(text, 'config.yaml', {})).text, text);
});
