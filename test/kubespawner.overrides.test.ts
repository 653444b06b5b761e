import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze } from '../server/src/engine';
import { modelFromPython } from '../server/src/model/fromPython';

const CONFIG = [
  "c.JupyterHub.spawner_class = 'kubespawner.KubeSpawner'",
  "c.KubeSpawner.profile_list = [{'display_name': 'R', 'kubespawner_override': {'lifecycleHooks': {'postStart': {}}, 'nmae': 'x'}}]",
  '',
].join('\n');

test('an unknown override key with a mapping value stops the profile only where KubeSpawner merges mappings (5.0 on)', async () => {
  const sev = async (ks: string) => {
    const r = await analyze(CONFIG, '/srv/jupyterhub/jupyterhub_config.py', { pluginVersions: { kubespawner: ks } });
    return r.findings.filter((f) => f.rule === 'kubespawner/unknown-override-key').map((f) => `${f.severity} ${CONFIG.slice(f.span.start, f.span.end)} ${/KubeSpawner (\S+) has/.exec(f.message)?.[1]}`);
  };
  assert.deepEqual(await sev('7.1'), ["error 'lifecycleHooks' 7.1.0", "warning 'nmae' 7.1.0"]);
  assert.deepEqual(await sev('4.3'), ["warning 'lifecycleHooks' 4.3.0", "warning 'nmae' 4.3.0"]);
});

test('a subclass defined in the config may have more traits: its overrides are not judged', async () => {
  const text = ['from kubespawner import KubeSpawner', 'class MySpawner(KubeSpawner):', '    pass', 'c.JupyterHub.spawner_class = MySpawner', CONFIG.split('\n')[1], ''].join('\n');
  const r = await analyze(text, '/srv/jupyterhub/jupyterhub_config.py', {});
  assert.deepEqual(r.findings.filter((f) => f.rule.startsWith('kubespawner/')).map((f) => f.rule), []);
});

test('function bodies: environment writes with the secret followed through locals, exact spans', async () => {
  const text = [
    'import os',
    'def hook(spawner):',
    "    k = os.environ['JUPYTERHUB_CRYPT_KEY']",
    "    k2 = k",
    "    spawner.environment['A'] = k2",
    "    spawner.environment.update(B=os.getenv('PGPASSWORD'))",
    "    k = 'safe'",
    "    spawner.environment['C'] = k",
    "c.Spawner.environment = {'D': lambda s: s.authenticator.client_secret}",
    '',
  ].join('\n');
  const m = await modelFromPython(text);
  const fns = (m.functions ?? []).map((f) => ({
    name: f.name,
    writes: f.envWrites.map((w) => [w.key, w.source?.name ?? null, w.valueSpan ? text.slice(w.valueSpan.start, w.valueSpan.end) : null]),
    returns: f.returns.map((s) => text.slice(s.span.start, s.span.end)),
  }));
  assert.deepEqual(fns, [
    { name: 'hook', writes: [['A', 'JUPYTERHUB_CRYPT_KEY', 'k2'], ['B', 'PGPASSWORD', "os.getenv('PGPASSWORD')"], ['C', null, 'k']], returns: [] },
    { name: '<lambda>', writes: [], returns: ['s.authenticator.client_secret'] },
  ]);
});
