import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers/fixtures';
import { loadProjectConfig } from '../server/src/config/project';
import { mergeDeployment, provenanceAt, toPlain } from '../server/src/deploy/helmMerge';
import { parseAllDocuments } from 'yaml';
import {
  chartInfo,
  chartSpecFromDir,
  deploymentsOf,
  fromArgoApplication,
  fromClusterYaml,
  fromCommandLine,
  fromHelmfile,
  fromProjectDecls,
} from '../server/src/deploy/sources';

const FX = path.join(ROOT, 'test', 'fixtures', 'deploy');
const rel = (files: string[], base: string) => files.map((f) => path.relative(base, f).split(path.sep).join('/'));
const read = (p: string) => fs.readFileSync(p, 'utf8');

test('wrapper charts: the jupyterhub dependency gives the version and values root, local charts are followed', () => {
  assert.deepEqual(chartInfo(path.join(FX, 'infra-2i2c/helm-charts/basehub')).valuesRoot, ['jupyterhub']);
  const dask = chartInfo(path.join(FX, 'infra-2i2c/helm-charts/daskhub'));
  assert.deepEqual([dask.valuesRoot, dask.chartVersion], [['basehub', 'jupyterhub'], '4.1.0']);
  const alias = chartInfo(path.join(FX, 'campus/hub'));
  assert.deepEqual([alias.valuesRoot, alias.chartVersion], [['jh'], '4.2.0']);
  // a remote wrapper known to hold z2jh under `jupyterhub`
  assert.deepEqual(chartInfo(path.join(FX, 'binder/mybinder')).valuesRoot, ['binderhub', 'jupyterhub']);
  assert.deepEqual(chartInfo(path.join(FX, 'nowhere')), {});
});

test('a 2i2c-style cluster.yaml: one deployment per hub, a shared file in both, roots from each chart', () => {
  const file = path.join(FX, 'infra-2i2c/config/clusters/demo/cluster.yaml');
  const r = fromClusterYaml(read(file), file, path.join(FX, 'infra-2i2c/helm-charts'));
  assert.deepEqual(r.problems, []);
  const dir = path.dirname(file);
  assert.deepEqual(
    r.deployments.map((d) => [d.name, d.chart, d.chartVersion, rel(d.files, dir), d.valuesRoot]),
    [
      ['staging', 'basehub', '4.1.0', ['common.values.yaml', 'staging.values.yaml'], [['jupyterhub'], ['jupyterhub']]],
      ['research', 'daskhub', '4.1.0', ['common.values.yaml', 'research.values.yaml'], [['basehub', 'jupyterhub'], ['basehub', 'jupyterhub']]],
      ['secret', 'basehub', '4.1.0', ['common.values.yaml', 'enc-secret.values.yaml'], [['jupyterhub'], ['jupyterhub']]],
    ],
  );
  assert.deepEqual(deploymentsOf(path.join(dir, 'common.values.yaml'), r.deployments).map((d) => d.name), ['staging', 'research', 'secret']);
  // a sops-encrypted file stays in Helm's order (it is decrypted before Helm reads it) and is marked
  assert.deepEqual(r.deployments.map((d) => rel(d.encrypted ?? [], dir)), [[], [], ['enc-secret.values.yaml']]);
  assert.equal(r.deployments[0].source.kind, 'cluster-yaml');
  assert.equal(read(file).slice(...r.deployments[1].source.range!).split('\n')[0], 'name: research');
});

test('a helm command line: -f repeated and comma-separated, --values=, the chart and --version; --set reported', () => {
  const cwd = path.join(FX, 'binder');
  const r = fromCommandLine(
    ['helm', 'upgrade', '--install', 'prod', 'mybinder', '-n', 'prod', '-f', 'config/prod.yaml', '--values=secrets/a.yaml,secrets/b.yaml', '-fextra.yaml', '--set', 'x=1', '--version', '9.9.9'],
    cwd,
  );
  const d = r.deployments[0];
  assert.deepEqual([d.name, d.chart, rel(d.files, cwd), d.valuesRoot[0]], ['prod', 'mybinder', ['config/prod.yaml', 'secrets/a.yaml', 'secrets/b.yaml', 'extra.yaml'], ['binderhub', 'jupyterhub']]);
  // --version is the wrapper's version, not z2jh's
  assert.equal(d.chartVersion, undefined);
  assert.deepEqual(r.problems.map((p) => p.message), ['--set values are applied after the files and are not modelled']);
  const z = fromCommandLine(['template', 'jupyterhub/jupyterhub', '--version=4.1.0', '-f', 'a.yaml'], cwd).deployments[0];
  assert.deepEqual([z.chart, z.chartVersion, z.valuesRoot], ['jupyterhub/jupyterhub', '4.1.0', [[]]]);
  assert.deepEqual(fromCommandLine(['-f', 'a.yaml', '-f', 'b.yaml'], cwd).deployments[0].valuesRoot, [undefined, undefined]);
});

test('.hubcfg.yaml deployments: parsed with the project file, paths relative to it, chart folder followed', () => {
  const file = path.join(FX, 'campus/.hubcfg.yaml');
  const loaded = loadProjectConfig(file);
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.config.trust, 'untrusted-users');
  const r = fromProjectDecls(loaded.config.deployments!, file);
  const dir = path.dirname(file);
  assert.deepEqual(
    r.deployments.map((d) => [d.name, d.chartVersion, rel(d.files, dir), d.valuesRoot[0]]),
    [
      ['stat-prod', '4.2.0', ['deployments/stat/config/common.yaml', 'deployments/stat/config/prod.yaml'], ['jh']],
      ['stat-staging', '4.3.0', ['deployments/stat/config/common.yaml'], ['jh']],
    ],
  );
});

test('.hubcfg.yaml deployments: wrong shapes are reported, the rest of the file still applies', () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'hubcfg-deploy-'));
  try {
    const file = path.join(dir, '.hubcfg.yaml');
    fs.writeFileSync(file, 'trust: trusted-users\ndeployments:\n  - name: a\n    files: []\n  - files: [x.yaml]\n    valuesRoot: basehub.jupyterhub\n    colour: red\n  - 3\n');
    const loaded = loadProjectConfig(file);
    assert.equal(loaded.config.trust, 'trusted-users');
    assert.deepEqual(loaded.problems, [
      "deployments[0].files must be a non-empty list of values files, in Helm's order",
      'deployments[1]: unknown setting "colour"',
      'deployments[2] must be a mapping',
    ]);
    assert.deepEqual(loaded.config.deployments, [{ name: 'deployment-2', files: ['x.yaml'], valuesRoot: ['basehub', 'jupyterhub'] }]);
    fs.writeFileSync(file, 'deployments: {a: 1}\n');
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(loadProjectConfig(file).problems, ['deployments must be a list of {name, files, chartVersion?, chart?, valuesRoot?}']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('helmfile.yaml: releases with values files, templates via merge keys; templated paths and inline values reported', () => {
  const file = path.join(FX, 'helmfile-site/helmfile.yaml');
  const r = fromHelmfile(read(file), file);
  const dir = path.dirname(file);
  assert.deepEqual(
    r.deployments.map((d) => [d.name, d.chart, d.chartVersion, rel(d.files, dir), d.valuesRoot[0]]),
    [
      ['hub-prod', 'jupyterhub/jupyterhub', '4.1.0', ['values/common.yaml', 'values/prod.yaml'], []],
      ['hub-dev', 'jupyterhub/jupyterhub', '4.1.0', ['values/common.yaml'], []],
    ],
  );
  assert.deepEqual(r.problems.map((p) => p.message), [
    'the helmfile uses templates ({{ }}): only its plain parts are read',
    'hub-dev: templated values path "values/{{ .Environment.Name }}.yaml" is not followed',
    'hub-dev: inline values are not modelled',
    'hub-dev: set: values are not modelled',
  ]);
  assert.ok(read(file).slice(...r.deployments[0].source.range!).startsWith('name: hub-prod'));
});

test('Argo CD Applications: multi-source $values refs with a chart version, and a chart path in the repository', () => {
  const file = path.join(FX, 'argo/apps/hub.yaml');
  const root = path.join(FX, 'argo');
  const r = fromArgoApplication(read(file), file, root);
  assert.deepEqual(
    r.deployments.map((d) => [d.name, d.chart, d.chartVersion, rel(d.files, root), d.valuesRoot[0]]),
    [
      ['hub', 'jupyterhub', '4.2.0', ['values/base.yaml', 'values/prod.yaml'], []],
      ['hub-local-chart', 'charts/hub', '3.3.8', ['charts/hub/values.yaml', 'values/prod.yaml'], ['jupyterhub']],
    ],
  );
  assert.deepEqual(r.problems.map((p) => p.message), ['hub-local-chart: inline helm values (applied after the files) are not modelled']);
  assert.deepEqual(fromArgoApplication('kind: ApplicationSet\nspec: {}\n', file, root).problems.map((p) => p.message), ['ApplicationSet templates are not expanded']);
  assert.deepEqual(fromArgoApplication('kind: [', file, root).deployments, []);
});

test('sources never throw on bad input', () => {
  for (const text of ['', '- 1\n', 'releases: 3\n', 'hubs: {a: 1}\n', 'kind: Application\nspec: {source: 5}\n', ': : :\n\t']) {
    fromHelmfile(text, '/x/helmfile.yaml', () => undefined);
    fromClusterYaml(text, '/x/cluster.yaml', '/x/charts', () => undefined);
    fromArgoApplication(text, '/x/app.yaml', '/x', () => undefined);
  }
  assert.deepEqual(fromCommandLine(['-f'], '/x').problems.map((p) => p.message), ['-f needs a file']);
});

test('a local chart chain as Helm merges it: 2i2c-style daskhub > basehub > jupyterhub, wrapper defaults with ranges', () => {
  const charts = path.join(FX, 'infra-2i2c/helm-charts');
  const z2jh = { singleuser: { memory: { limit: null, guarantee: '1G' } }, hub: { baseUrl: '/' } };
  const spec = chartSpecFromDir(path.join(charts, 'daskhub'), z2jh)!;
  const names = (c: typeof spec | undefined): string[] => (c ? [c.name, ...names(c.dependencies?.[0])] : []);
  assert.deepEqual(names(spec), ['daskhub', 'basehub', 'jupyterhub']);
  assert.equal(chartSpecFromDir(path.join(FX, 'nowhere'), z2jh), undefined);
  const dir = path.join(FX, 'infra-2i2c/config/clusters/demo');
  const files = ['common.values.yaml', 'research.values.yaml'].map((f) => ({ file: path.join(dir, f), docs: parseAllDocuments(read(path.join(dir, f))) as never }));
  const r = mergeDeployment(files, spec);
  const jh = (toPlain(r.values) as { basehub: { jupyterhub: Record<string, Record<string, unknown>> } }).basehub.jupyterhub;
  assert.deepEqual(jh.singleuser.memory, { limit: '8G', guarantee: '1G' });
  // basehub's values.yaml sets hub.baseUrl; its origin has the range in that file
  const basehubValues = read(path.join(charts, 'basehub/values.yaml'));
  const o = provenanceAt(r.values, ['basehub', 'jupyterhub', 'hub', 'baseUrl'])[0];
  assert.ok(o.kind === 'default' && o.chart.join('>') === 'daskhub>basehub' && o.range);
  assert.equal(o.kind === 'default' && basehubValues.slice(o.range![0], o.range![1]), '/hub/');
});
