import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../server/src/engine';
import { chartIndex } from '../server/src/catalog/z2jh';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function deployment(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-chart-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const VALUES = 'hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n  allowNamedServers: "yes"\nsingleuser:\n  memmory:\n    limit: 1G\n';

test('the chart version comes from a Chart.yaml or requirements.yaml beside the values file', async () => {
  const helm3 = deployment({ 'Chart.yaml': 'apiVersion: v2\nname: my-hub\nversion: 0.1.0\ndependencies:\n  - name: jupyterhub\n    version: "3.3.8"\n    repository: https://hub.jupyter.org/helm-chart/\n', 'values.yaml': VALUES });
  const r3 = await analyze(VALUES, path.join(helm3, 'values.yaml'));
  assert.equal(r3.chartVersion, '3.3.8');

  const helm2 = deployment({ 'requirements.yaml': 'dependencies:\n  - name: jupyterhub\n    version: "~0.11.1"\n    repository: https://jupyterhub.github.io/helm-chart/\n', 'config.yaml': VALUES });
  const r0 = await analyze(VALUES, path.join(helm2, 'config.yaml'));
  assert.match(r0.chartVersion ?? '', /^0\.11\./);
  // before 1.0.0 the chart had no schema: an unknown key is ignored (a warning), types are not checked
  const unknown = r0.diagnostics.find((d) => d.rule === 'z2jh/unknown-key');
  assert.equal(unknown?.severity, 'warning');
  assert.match(unknown!.message, /silently ignored/);
  assert.ok(!r0.diagnostics.some((d) => d.rule === 'z2jh/wrong-type'));

  // the same file for a chart that validates its values
  const latest = await analyze(VALUES, path.join(helm3, 'values.yaml'));
  assert.equal(latest.diagnostics.find((d) => d.rule === 'z2jh/unknown-key')?.severity, 'error');
  assert.ok(latest.diagnostics.some((d) => d.rule === 'z2jh/wrong-type'));

  // an explicit version wins over the Chart.yaml
  const forced = await analyze(VALUES, path.join(helm3, 'values.yaml'), { chartVersion: '4' });
  assert.match(forced.chartVersion ?? '', /^4\./);

  // without either file: the newest release
  const lone = deployment({ 'values.yaml': VALUES });
  assert.equal((await analyze(VALUES, path.join(lone, 'values.yaml'))).chartVersion, chartIndex().default);
});

test("the chart's own values.yaml in its repository is judged as the development head", async () => {
  const dir = deployment({ 'Chart.yaml': 'apiVersion: v2\nname: jupyterhub\nversion: 0.0.1-set.by.chartpress\nappVersion: "5.5.0"\n', 'values.yaml': VALUES });
  const r = await analyze(VALUES, path.join(dir, 'values.yaml'));
  assert.equal(r.chartVersion, 'main');
});

test('a key that only a newer chart has says which chart has it', async () => {
  const text = 'hub:\n  config: {}\nproxy:\n  traefik:\n    command: [traefik]\nhttpRoute:\n  enabled: true\n';
  const old = await analyze(text, '/deploy/values.yaml', { chartVersion: '3.3.8' });
  const msgs = old.diagnostics.filter((d) => d.rule === 'z2jh/unknown-key').map((d) => d.message);
  assert.equal(msgs.length, 2);
  assert.match(msgs.find((m) => m.includes('"httpRoute"'))!, /it is a key of chart 4\.3\.0/);
  assert.match(msgs.find((m) => m.includes('"command"'))!, /it is a key of chart main/);
  const head = await analyze(text, '/deploy/values.yaml', { chartVersion: 'main' });
  assert.ok(!head.diagnostics.some((d) => d.rule === 'z2jh/unknown-key'));
});

test('an unknown key set to null is a warning: Helm drops it, and it deletes nothing', async () => {
  const r = await analyze('singleuser:\n  memory:\n    guarantee: 2G\n    gurantee: null\n', '/deploy/values.yaml', { chartVersion: '4.4.0' });
  const d = r.diagnostics.find((x) => x.rule === 'z2jh/unknown-key');
  assert.equal(d?.severity, 'warning');
  assert.match(d!.message, /Helm drops it \(null\) and it deletes nothing/);
});
