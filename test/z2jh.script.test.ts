import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ROOT } from './helpers/fixtures';
import { chartIndex, chartScript, chartScriptReleases } from '../server/src/catalog/z2jh';
import { analyzeDeployment } from '../server/src/deploy/analyze';

/**
 * server/catalog/z2jh/script.json (scripts/gen-z2jh-script.mjs): what the chart's hub config script
 * does, per release. Spot checks of facts read from the upstream source, and (with a z2jh git dir in
 * HUBCFG_Z2JH_GIT, e.g. a fetched mirror) the stored fingerprints and facts against that source.
 */

const releases = chartScriptReleases();

test('every chart release from 1.0.0 and main has script facts with a source fingerprint', () => {
  const want = Object.keys(chartIndex().releases ?? {}).filter((v) => v === 'main' || /^([1-9]\d*)\.\d+\.\d+$/.test(v));
  assert.ok(want.length > 20, 'index.json lists the releases');
  for (const v of want) {
    assert.ok(releases[v], `no script facts for chart ${v}`);
    assert.match(releases[v].fp, /^[0-9a-f]{16}$/);
  }
  // releases with the same facts share one entry
  const distinct = new Set(Object.values(releases).map((r) => r.s)).size;
  assert.ok(distinct < Object.keys(releases).length / 4, `facts are deduplicated (${distinct} sets)`);
});

test('the idle culler: a role with four scopes (admin:users with cull.users) since 2.0.0, the same at 3.x and 4.x; an admin service before', () => {
  const culler = (v: string) => chartScript(v)!.roles.find((r) => r.name === 'jupyterhub-idle-culler');
  const scopes = ['list:users', 'read:users:activity', 'read:servers', 'delete:servers'];
  for (const v of ['2.0.0', '3.3.8', '4.0.0', '4.4.0', 'main']) {
    const r = culler(v);
    assert.ok(r, `culler role at ${v}`);
    assert.deepEqual(r.scopes, scopes, v);
    assert.deepEqual(r.services, ['jupyterhub-idle-culler']);
    assert.deepEqual(r.when, ['cull.enabled']);
    assert.deepEqual(r.extraScopes, [{ scope: 'admin:users', when: ['cull.enabled', 'cull.users'] }]);
    assert.deepEqual(chartScript(v)!.services.map((s) => s.name ?? `<${s.from}>`), ['jupyterhub-idle-culler', '<hub.services>']);
  }
  const v1 = chartScript('1.2.0')!;
  assert.equal(culler('1.2.0'), undefined);
  assert.deepEqual(v1.roles, []);
  assert.deepEqual(v1.services.map((s) => s.name ?? `<${s.from}>`), ['cull-idle', '<hub.services>']);
  // the roles of hub.loadRoles are appended to the chart's own
  assert.ok(chartScript('3.3.8')!.roles.some((r) => r.from === 'hub.loadRoles'));
});

test('the order: chart settings, then hub.config, then hub.extraConfig in sorted key order (config.d moved after hub.config in 2.0.0)', () => {
  for (const v of ['3.3.8', '4.0.0', 'main']) {
    const s = chartScript(v)!;
    assert.deepEqual(s.order, ['chart', 'hub.config', 'config.d', 'hub.extraConfig'], v);
    assert.equal(s.extraConfigSorted, true);
    assert.deepEqual(s.hubConfigDropped.JupyterHub, ['proxy_auth_token', 'cookie_secret', 'services']);
  }
  assert.deepEqual(chartScript('1.0.0')!.order, ['chart', 'config.d', 'hub.config', 'hub.extraConfig']);
});

test('traits set from chart keys: singleuser.cpu.limit, singleuser.extraEnv, allowPrivilegeEscalation', () => {
  for (const v of ['3.3.8', '4.0.0']) {
    const t = chartScript(v)!.traits;
    const get = (key: string) => t.filter((e) => e.key === key).map((e) => `${e.trait} ${e.how}${e.when ? ` when ${e.when.join(',')}` : ''}`);
    assert.deepEqual(get('singleuser.cpu.limit'), ['KubeSpawner.cpu_limit set']);
    assert.deepEqual(get('singleuser.memory.limit'), ['KubeSpawner.mem_limit set']);
    assert.deepEqual(get('singleuser.extraEnv'), ['KubeSpawner.environment set']);
    assert.deepEqual(get('singleuser.allowPrivilegeEscalation'), ['KubeSpawner.allow_privilege_escalation direct']);
  }
});

test('the table agrees with traitmap.json on the keys the chart copies onto traits (at main)', () => {
  const tm = JSON.parse(fs.readFileSync(path.join(ROOT, 'server', 'catalog', 'z2jh', 'traitmap.json'), 'utf8')) as { value: string; trait: string; how: string; until?: string }[];
  const fromMap = tm.filter((e) => (e.how === 'set' || e.how === 'direct') && !e.until).map((e) => `${e.value} ${e.trait} ${e.how}`).sort();
  const fromTable = chartScript('main')!.traits.map((e) => `${e.key} ${e.trait} ${e.how}`).sort();
  assert.deepEqual(fromTable, fromMap);
});

test('a merged deployment: the chart key in one file, the trait in another file\'s extraConfig', async () => {
  const files = [
    { path: '/srv/d/values.yaml', text: 'singleuser:\n  memory:\n    limit: 2G\n' },
    { path: '/srv/d/prod.yaml', text: 'hub:\n  extraConfig:\n    mem: |\n      c.KubeSpawner.mem_limit = "4G"\n' },
  ];
  const res = await analyzeDeployment({ name: 'd', files }, { chartVersion: '3.3.8' });
  const at = res.map((r) => r.diagnostics.filter((d) => d.rule === 'z2jh/chart-key-overridden').map((d) => `${d.range.start.line + 1}:${d.range.start.character}-${d.range.end.line + 1}:${d.range.end.character}`));
  assert.deepEqual(at, [['3:4-3:9'], []]);
});

const GIT = process.env.HUBCFG_Z2JH_GIT;
test('the stored facts are those of the upstream source at two releases', { skip: !GIT && 'set HUBCFG_Z2JH_GIT to a z2jh git dir' }, async () => {
  const gen = await import(pathToFileURL(path.join(ROOT, 'scripts', 'gen-z2jh-script.mjs')).href);
  const store = JSON.parse(fs.readFileSync(path.join(ROOT, 'server', 'catalog', 'z2jh', 'script.json'), 'utf8'));
  for (const v of ['3.3.8', '4.0.0']) {
    const show = (p: string) => spawnSync('git', ['--git-dir', GIT!, 'show', `${v}:${p}`], { encoding: 'utf8', maxBuffer: 1 << 26 }).stdout;
    const cfg = show('jupyterhub/files/hub/jupyterhub_config.py');
    const z = show('jupyterhub/files/hub/z2jh.py');
    assert.equal(gen.sourceFingerprint(cfg, z), releases[v].fp, `source fingerprint of ${v}`);
    assert.deepEqual(gen.extractFacts(cfg), store.scripts[releases[v].s], `facts of ${v}`);
  }
});
