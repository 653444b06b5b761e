import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './helpers/fixtures';
import { analyze, detectKind } from '../server/src/engine';

// False alarms and misses seen on public hub configs (issue 13): what the messages say, and which files are
// taken for values files. Rule firing and ranges are in test/fixtures/rules/.

const messages = async (text: string, file: string, rule: string) =>
  (await analyze(text, file, { noEnvironment: true })).diagnostics.filter((d) => d.rule === rule).map((d) => d.message);

test('z2jh/egress-allow-all: no claim that the metadata server is reachable while the iptables block is on', async () => {
  const policy = 'singleuser:\n  networkPolicy:\n    egress:\n      - to:\n          - ipBlock:\n              cidr: 0.0.0.0/0\n';
  const on = await messages(policy, '/srv/z2jh/values.yaml', 'z2jh/egress-allow-all');
  assert.equal(on.length, 1);
  assert.doesNotMatch(on[0], /metadata server included/);
  assert.match(on[0], /stays blocked by singleuser\.cloudMetadata\.blockWithIptables/);
  const off = await messages(policy + '  cloudMetadata:\n    blockWithIptables: false\n', '/srv/z2jh/values.yaml', 'z2jh/egress-allow-all');
  assert.equal(off.length, 1);
  assert.match(off[0], /the cloud metadata server included/);
});

test("z2jh/unpinned-image: an init container is not called users' servers", async () => {
  const text = 'singleuser:\n  initContainers:\n    - name: tc-init\n      image: ghcr.io/example/tc-init:latest\n  extraContainers:\n    - name: sidecar\n      image: busybox\n  image:\n    name: quay.io/jupyter/base-notebook\n    tag: latest\n';
  const got = await messages(text, '/srv/z2jh/values.yaml', 'z2jh/unpinned-image');
  const init = got.find((m) => m.includes('tc-init'));
  assert.ok(init, got.join('\n'));
  assert.match(init, /the init container tc-init/);
  assert.match(init, /what runs in users' pods before their servers start/);
  assert.doesNotMatch(init, /changes users' servers/);
  assert.match(got.find((m) => m.includes('sidecar'))!, /the container sidecar .*what runs beside users' servers/);
  assert.match(got.find((m) => m.startsWith('singleuser.image'))!, /changes users' servers unreviewed/);
});

test('detectKind: a deployment values file under config/ with its z2jh values under binderhub.jupyterhub', () => {
  // shaped after jupyterhub/mybinder.org-deploy config/prod.yaml and config/localhost.yaml
  const prod = 'binderhub:\n  config:\n    BinderHub:\n      hub_url: https://hub.example.org\n  ingress:\n    hosts: [binder.example.org]\n  jupyterhub:\n    singleuser:\n      nodeSelector: {pool: users}\n    hub:\n      resources: {}\n    proxy:\n      chp: {}\n';
  assert.equal(detectKind('/deploy/config/prod.yaml', prod), 'z2jh_values');
  const local = 'binderhub:\n  ingress:\n    hosts: [binder.local]\n  jupyterhub:\n    ingress:\n      hosts: [hub.local]\nstatic:\n  enabled: false\n';
  assert.equal(detectKind('/deploy/config/localhost.yaml', local), 'z2jh_values');
  // outside config/, one chart key under a wrapper is not enough; under config/, a file without a jupyterhub block is no values file
  assert.equal(detectKind('/deploy/other/localhost.yaml', local), 'unknown');
  assert.equal(detectKind('/deploy/config/cert-manager.yaml', 'ingress:\n  enabled: true\nprometheus:\n  enabled: true\n'), 'unknown');
});

test("the chart's own values.yaml beside its Chart.yaml is judged as defaults: no deployment findings", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-chart-'));
  try {
    const chart = path.join(dir, 'jupyterhub');
    fs.mkdirSync(chart);
    const values = 'hub:\n  config:\n    JupyterHub:\n      authenticator_class: dummy\n  cookieSecret: 0123456789abcdef0123456789abcdef\nsingleuser:\n  image:\n    name: quay.io/jupyterhub/k8s-singleuser-sample\n    tag: latest\n';
    fs.writeFileSync(path.join(chart, 'values.yaml'), values);
    const file = path.join(chart, 'values.yaml');
    const deployment = (await analyze(values, file, { noEnvironment: true })).diagnostics.map((d) => d.rule);
    assert.ok(deployment.includes('security/dummy-authenticator'), deployment.join(', '));
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: jupyterhub\nversion: 0.0.1-set.by.chartpress\n');
    const defaults = (await analyze(values, file, { noEnvironment: true })).diagnostics.map((d) => d.rule);
    assert.deepEqual(defaults.filter((r) => /^(security|rbac)\//.test(r) || r === 'z2jh/unpinned-image'), []);
    // a wrapper chart that depends on jupyterhub: its values are a deployment's
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: jupyterhub\nversion: 1.0.0\ndependencies:\n  - name: jupyterhub\n    version: 4.2.0\n    repository: https://hub.jupyter.org/helm-chart/\n');
    const wrapper = (await analyze(values, file, { noEnvironment: true })).diagnostics.map((d) => d.rule);
    assert.ok(wrapper.includes('security/dummy-authenticator'), wrapper.join(', '));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hubploy deployments (datahub layout): config/common.yaml, config/<env>.yaml and the hub/ chart are judged together', () => {
  // shaped after berkeley-dsep-infra/datahub: deployments/<hub>/{hubploy.yaml,config/,secrets/} and a Helm 2 chart in hub/
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-hubploy-'));
  try {
    fs.mkdirSync(path.join(dir, '.git'));
    const w = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    w('hub/Chart.yaml', 'apiVersion: v1\nname: hub\nversion: 0.1.0\n');
    w('hub/requirements.yaml', 'dependencies:\n  - name: jupyterhub\n    version: 3.3.8\n    repository: https://jupyterhub.github.io/helm-chart/\n');
    w('hub/values.yaml', 'jupyterhub:\n  hub:\n    config:\n      JupyterHub:\n        authenticator_class: github\n      GitHubOAuthenticator:\n        allowed_organizations: [example-org]\n');
    w('deployments/stat/config/common.yaml', 'jupyterhub:\n  singleuser:\n    defaultUrl: /lab\n');
    w('deployments/stat/config/prod.yaml', 'jupyterhub:\n  ingress:\n    enabled: true\n    hosts: [stat.example.org]\n  hub:\n    resources: {}\n');
    const check = () => {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hubcfg.js'), 'check', '--format', 'json', path.join(dir, 'deployments')], { encoding: 'utf8' });
      const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: { rule: string }[] }[] };
      return out.files.flatMap((f) => f.diagnostics.map((d) => `${path.basename(f.path)} ${d.rule}`));
    };
    // without hubploy.yaml the env file alone selects no authenticator
    assert.ok(check().includes('prod.yaml z2jh/default-dummy-authenticator'), check().join('\n'));
    w('deployments/stat/hubploy.yaml', 'images:\n  images:\n    - name: example/user-image\n');
    assert.ok(!check().some((x) => x.endsWith('z2jh/default-dummy-authenticator')), check().join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
