import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './helpers/fixtures';
import { analyze } from '../server/src/engine';
import { analyzeDeployment, combineResults, type DeploymentFileResult } from '../server/src/deploy/analyze';
import { mergeModels } from '../server/src/deploy/mergedModel';
import { modelFromYaml } from '../server/src/model/fromYaml';

const DIR = path.join(ROOT, 'test', 'fixtures', 'deployments');
// judged as the deployment files they stand for (paths under test/ read as test configs)
const read = (layout: string, f: string) => ({ path: `/srv/${layout}/${f}`, text: fs.readFileSync(path.join(DIR, layout, f), 'utf8') });
const at = (r: DeploymentFileResult | { diagnostics: DeploymentFileResult['diagnostics'] }) =>
  r.diagnostics.map((d) => `${d.rule} ${d.range.start.line + 1}:${d.range.start.character}-${d.range.end.line + 1}:${d.range.end.character}`);

test('a split deployment (common + hub + sops secrets): the overlay false alarms are gone, true findings stay where they were written', async () => {
  const files = ['common.values.yaml', 'prod.values.yaml', 'enc-prod.secret.values.yaml'].map((f) => read('split-2i2c', f));
  // alone, the hub file does not know that the common file selects GitHub
  const alone = await analyze(files[1].text, files[1].path);
  assert.ok(at(alone).includes('z2jh/default-dummy-authenticator 2:2-2:5'), at(alone).join('\n'));
  const res = await analyzeDeployment({ name: 'prod', files }, {});
  assert.deepEqual(res.map((r) => r.deployment), ['prod', 'prod', 'prod']);
  assert.deepEqual(at(res[1]), []);
  assert.deepEqual(at(res[2]), []);
  // one finding about something no file sets: once, in the deployment's first file, naming the deployment
  // and c.Spawner.start_timeout, which the chart's KubeSpawner.start_timeout (singleuser.startTimeout, default 300) shadows
  assert.deepEqual(at(res[0]), ['security/user-config-enabled 17:10-17:31', 'z2jh/chart-key-overridden 17:18-17:31']);
  assert.match(combineResults([res[0]]).diagnostics[0].message, /\(deployment prod\)$/);
});

test('later files win: an overridden authenticator is not judged, a literal secret committed in the base still is', async () => {
  const files = ['values.yaml', 'prod.yaml'].map((f) => read('override', f));
  const base = await analyze(files[0].text, files[0].path);
  assert.ok(at(base).some((a) => a.startsWith('security/dummy-authenticator')));
  const res = await analyzeDeployment({ name: 'prod', files }, {});
  const rules = res[0].diagnostics.map((d) => d.rule);
  assert.ok(!rules.includes('security/dummy-authenticator'), rules.join());
  // prod.yaml deletes the cookie secret with null, but the literal is still in values.yaml's history
  assert.ok(at(res[0]).includes('security/literal-cookie-secret 7:16-7:80'), at(res[0]).join('\n'));
  assert.ok(at(res[0]).includes('security/literal-proxy-token 9:15-9:78'), at(res[0]).join('\n'));
  assert.deepEqual(at(res[1]), []);
  // the other order: the dummy authenticator wins again
  const rev = await analyzeDeployment({ name: 'rev', files: [files[1], files[0]] }, {});
  assert.ok(at(rev[1]).includes('security/dummy-authenticator 4:27-4:32'), at(rev[1]).join('\n'));
});

test('merge by key path: mappings merge, lists and scalars replace, null replaces, each setting keeps its file', async () => {
  const a = 'hub:\n  config:\n    GitHubOAuthenticator:\n      allowed_organizations: [a, b]\n      scope: [read:org]\n  db:\n    type: sqlite-pvc\n';
  const b = 'hub:\n  config:\n    GitHubOAuthenticator:\n      allowed_organizations: [c]\n  db: null\n';
  const m = mergeModels([
    { path: 'a.yaml', text: a, model: await modelFromYaml(a) },
    { path: 'b.yaml', text: b, model: await modelFromYaml(b) },
  ]);
  const get = (p: string) => m.model.chart.find((s) => s.path.join('.') === p);
  const orgs = get('hub.config.GitHubOAuthenticator.allowed_organizations')!;
  assert.equal(orgs.value.kind === 'list' && orgs.value.items.length, 1);
  assert.equal(m.model.text.slice(orgs.value.span.start, orgs.value.span.end), '[c]');
  assert.ok(orgs.value.span.start > m.bases[1]);
  assert.equal(m.model.text.slice(get('hub.config.GitHubOAuthenticator.scope')!.value.span.start).slice(0, 10), '[read:org]');
  assert.equal(get('hub.db')!.value.kind, 'none');
  assert.equal(get('hub.db.type'), undefined);
  // the merged section holds both files' traits, and the traitlets operations follow
  const section = get('hub.config.GitHubOAuthenticator')!;
  assert.deepEqual(section.value.kind === 'dict' && section.value.entries.map((e) => e.key.kind === 'str' && e.key.value), ['allowed_organizations', 'scope']);
  assert.deepEqual(m.model.ops.map((o) => `${o.cls}.${o.trait}`).sort(), ['GitHubOAuthenticator.allowed_organizations', 'GitHubOAuthenticator.scope']);
});

test('extraConfig Python counts only where its snippet is still in effect', async () => {
  const a = 'hub:\n  extraConfig:\n    00-auth: |\n      c.JupyterHub.authenticator_class = "dummy"\n';
  const b = 'hub:\n  extraConfig:\n    00-auth: |\n      c.JupyterHub.authenticator_class = "github"\n      c.GitHubOAuthenticator.allowed_organizations = {"org"}\n';
  const res = await analyzeDeployment({ name: 'd', files: [{ path: '/srv/a/values.yaml', text: a }, { path: '/srv/a/prod.yaml', text: b }] }, {});
  assert.ok(!res.flatMap((r) => r.diagnostics).some((d) => d.rule === 'security/dummy-authenticator'));
  const alone = await analyze(a, '/srv/a/values.yaml');
  assert.ok(alone.diagnostics.some((d) => d.rule === 'security/dummy-authenticator'));
});

test('suppressions and fixes stay in the file they belong to', async () => {
  const a = 'hub:\n  config:\n    JupyterHub:\n      admin_acess: true  # hubcfg: disable=traitlets/unknown-trait\n';
  const b = 'hub:\n  config:\n    Authenticator:\n      allowed_user: [alice]\n';
  const res = await analyzeDeployment({ name: 'd', files: [{ path: '/srv/b/values.yaml', text: a }, { path: '/srv/b/prod.yaml', text: b }] }, {});
  assert.deepEqual(res[0].diagnostics.filter((d) => d.rule.startsWith('traitlets') || d.rule.startsWith('suppression')).map((d) => d.rule), []);
  const typo = res[1].diagnostics.find((d) => d.rule === 'traitlets/unknown-trait');
  assert.ok(typo, at(res[1]).join('\n'));
  assert.deepEqual(typo.range, { start: { line: 3, character: 6 }, end: { line: 3, character: 18 } });
  for (const f of typo.fixes) for (const e of f.edits) assert.ok(e.range.start.line <= 3);
});

test('a file that is not values (or cannot be analysed) is judged alone, the rest together', async () => {
  const res = await analyzeDeployment({ name: 'd', files: [{ path: '/srv/c/values.yaml', text: 'hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n' }, { path: '/srv/c/notes.yaml', text: 'a: [\n' }] }, {});
  assert.equal(res.length, 2);
  assert.equal(res[1].deployment, undefined);
  assert.equal(res[0].deployment, 'd');
});

test('CLI: --values / -f judge the files as one deployment, in the order given', () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-deploy-'));
  for (const f of fs.readdirSync(path.join(DIR, 'split-2i2c'))) fs.copyFileSync(path.join(DIR, 'split-2i2c', f), path.join(d, f));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--format', 'json', '-f', path.join(d, 'common.values.yaml'), '--values', path.join(d, 'prod.values.yaml'), '-f', path.join(d, 'enc-prod.secret.values.yaml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: { rule: string }[] }[] };
  assert.deepEqual(out.files.map((f) => path.basename(f.path)), ['common.values.yaml', 'prod.values.yaml', 'enc-prod.secret.values.yaml']);
  assert.deepEqual(out.files.map((f) => f.diagnostics.map((x) => x.rule)), [['security/user-config-enabled', 'z2jh/chart-key-overridden'], [], []]);
});

test('a file judged in two deployments: a shared finding once, naming both', async () => {
  const base = 'hub:\n  config:\n    JupyterHub:\n      admin_acess: true\n';
  const a = await analyzeDeployment({ name: 'staging', files: [{ path: '/srv/d/common.yaml', text: base }, { path: '/srv/d/staging.yaml', text: 'hub:\n  baseUrl: /\n' }] }, {});
  const b = await analyzeDeployment({ name: 'prod', files: [{ path: '/srv/d/common.yaml', text: base }, { path: '/srv/d/prod.yaml', text: 'hub:\n  baseUrl: /\n' }] }, {});
  const one = combineResults([a[0], b[0]]);
  const typo = one.diagnostics.filter((d) => d.rule === 'traitlets/unknown-trait');
  assert.equal(typo.length, 1);
  assert.match(typo[0].message, /\(deployments staging, prod\)$/);
});
