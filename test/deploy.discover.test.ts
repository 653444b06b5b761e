import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './helpers/fixtures';
import { discoverDeployments, wrapperLayers } from '../server/src/deploy/discover';

const DEPLOY = path.join(ROOT, 'test', 'fixtures', 'deploy');
const LAYOUT = path.join(ROOT, 'test', 'fixtures', 'deployments', 'basehub-layout');
const rel = (base: string, files: string[]) => files.map((f) => path.relative(base, f).replace(/\\/g, '/'));

/** A copy of a fixture tree outside test/ (paths under test/ read as test configs), as a repository of its own. */
function copyTree(src: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-discover-'));
  fs.cpSync(src, d, { recursive: true });
  fs.mkdirSync(path.join(d, '.git'));
  return d;
}

test('discovery: each layout finds the deployments that name a file, in Helm order', () => {
  const cases: [string, string, string[][]][] = [
    ['infra-2i2c', 'config/clusters/demo/staging.values.yaml', [['config/clusters/demo/common.values.yaml', 'config/clusters/demo/staging.values.yaml']]],
    ['campus', 'deployments/stat/config/prod.yaml', [['deployments/stat/config/common.yaml', 'deployments/stat/config/prod.yaml']]],
    ['helmfile-site', 'values/prod.yaml', [['values/common.yaml', 'values/prod.yaml']]],
    ['argo', 'values/prod.yaml', [['values/base.yaml', 'values/prod.yaml'], ['charts/hub/values.yaml', 'values/prod.yaml']]],
  ];
  for (const [layout, file, expected] of cases) {
    const root = copyTree(path.join(DEPLOY, layout));
    const found = discoverDeployments(path.join(root, file));
    assert.deepEqual(found.deployments.map((d) => rel(root, d.files)), expected, layout);
  }
  // a file in three hubs' deployments of one cluster.yaml
  const root = copyTree(path.join(DEPLOY, 'infra-2i2c'));
  assert.deepEqual(discoverDeployments(path.join(root, 'config/clusters/demo/common.values.yaml')).deployments.map((d) => d.name).sort(), ['research', 'secret', 'staging']);
  // a values file nobody declares: judged alone, as before
  assert.deepEqual(discoverDeployments(path.join(copyTree(path.join(DEPLOY, 'binder')), 'config/prod.yaml')).deployments, []);
});

test('discovery: a local wrapper chart contributes its values.yaml as a layer, deepest chart first', () => {
  const root = copyTree(path.join(DEPLOY, 'infra-2i2c'));
  assert.deepEqual(rel(root, wrapperLayers(path.join(root, 'helm-charts/daskhub'))), ['helm-charts/basehub/values.yaml']);
  assert.deepEqual(rel(root, wrapperLayers(path.join(root, 'helm-charts/basehub'))), ['helm-charts/basehub/values.yaml']);
});

function check(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--format', 'json', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: JSON.parse(r.stdout || '{"files":[]}') as { files: { path: string; diagnostics: { rule: string; message: string }[] }[] }, stderr: r.stderr };
}

test('CLI: a cluster.yaml deployment with a wrapper chart is judged merged: the overlays no longer claim the Dummy authenticator', () => {
  const root = copyTree(LAYOUT);
  const dir = path.join(root, 'config', 'clusters', 'uni');
  const judged = check([dir], root);
  assert.equal(judged.code, 0, judged.stderr);
  const rules = judged.out.files.flatMap((f) => f.diagnostics.map((d) => d.rule));
  assert.ok(!rules.includes('z2jh/default-dummy-authenticator'), rules.join());
  // without the cluster.yaml the same files are judged one by one and each gets the note
  fs.rmSync(path.join(dir, 'cluster.yaml'));
  const alone = check([dir], root);
  assert.deepEqual(alone.out.files.filter((f) => f.diagnostics.some((d) => d.rule === 'z2jh/default-dummy-authenticator')).map((f) => path.basename(f.path)).sort(), ['common.values.yaml', 'staging.values.yaml']);
});

test('CLI: the wrapper chart decides what the hub files inherit; what it sets itself is not repeated for every hub', () => {
  const root = copyTree(LAYOUT);
  // the wrapper turns auth state on and supplies the key from a Secret: nothing to say in the hub files
  const judged = check([path.join(root, 'config', 'clusters', 'uni')], root);
  assert.ok(!judged.out.files.some((f) => f.diagnostics.some((d) => d.rule === 'security/auth-state-without-key')));
  // the hub turns the iptables block off while the wrapper's policy lets pods reach every address:
  // a verdict on the merged values, said at the top of the deployment's first file
  fs.appendFileSync(path.join(root, 'helm-charts', 'basehub', 'values.yaml'), '  singleuser:\n    networkPolicy:\n      egress:\n        - to:\n            - ipBlock:\n                cidr: 0.0.0.0/0\n');
  fs.appendFileSync(path.join(root, 'config', 'clusters', 'uni', 'staging.values.yaml'), '  singleuser:\n    cloudMetadata:\n      blockWithIptables: false\n');
  const after = check([path.join(root, 'config', 'clusters', 'uni')], root);
  const meta = after.out.files.flatMap((f) => f.diagnostics.filter((d) => d.rule === 'z2jh/cloud-metadata-reachable').map((d) => ({ file: path.basename(f.path), d })));
  assert.equal(meta.length, 1, JSON.stringify(after.out));
  assert.equal(meta[0].file, 'common.values.yaml');
  assert.match(meta[0].d.message, /basehub\/values\.yaml\) \(deployment staging \(cluster\.yaml\)\)$/);
});
