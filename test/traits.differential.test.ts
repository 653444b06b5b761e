/**
 * Differential test: does a setting on a class section take effect for the configured class? The
 * real traitlets and JupyterHub (scripts/trait-differential.py instantiates the class with the
 * setting and watches for traitlets' "not recognized" warning) against our engine (is there a
 * traitlets/unknown-trait finding on it; a name that traitlets ignores may instead be reported by
 * traitlets/ineffective-trait, and one it accepts but JupyterHub never reads, such as
 * group_whitelist, is only reported by that rule). Every trait of every
 * authenticator, spawner and proxy class of the installed JupyterHub, plus misspellings, set on
 * every section the configured class reads (its own and its bases'), for every configured class.
 *
 * Uses the JupyterHub installed for /usr/bin/python3 (Debian's `jupyterhub` package: 3.0.0, judged
 * as --jupyterhub-version 3.0); without it the test is skipped, unless CI or
 * HUBCFG_REQUIRE_JUPYTERHUB is set.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { ROOT } from './helpers/fixtures';
import { analyze } from '../server/src/engine';
import { traitCatalog } from '../server/src/catalog/traits';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(ROOT, 'scripts', 'trait-differential.py');

/** Configured classes: how a config selects them, and where Python finds them. */
const CONFIGURED = [
  { base: 'Authenticator', select: 'JupyterHub.authenticator_class = "pam"', cls: 'PAMAuthenticator', py: 'jupyterhub.auth:PAMAuthenticator' },
  { base: 'Authenticator', select: 'JupyterHub.authenticator_class = "dummy"', cls: 'DummyAuthenticator', py: 'jupyterhub.auth:DummyAuthenticator' },
  { base: 'Authenticator', select: 'JupyterHub.authenticator_class = "null"', cls: 'NullAuthenticator', py: 'jupyterhub.auth:NullAuthenticator' },
  { base: 'Spawner', select: 'JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"', cls: 'LocalProcessSpawner', py: 'jupyterhub.spawner:LocalProcessSpawner' },
  { base: 'Spawner', select: 'JupyterHub.spawner_class = "simple"', cls: 'SimpleLocalProcessSpawner', py: 'jupyterhub.spawner:SimpleLocalProcessSpawner' },
  { base: 'Proxy', select: 'JupyterHub.proxy_class = "jupyterhub.proxy.ConfigurableHTTPProxy"', cls: 'ConfigurableHTTPProxy', py: 'jupyterhub.proxy:ConfigurableHTTPProxy' },
];

function jupyterhubInstalled(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import jupyterhub, traitlets; print(jupyterhub.__version__)'], { encoding: 'utf8' });
  return r.status === 0 && /^3\.0\./.test(r.stdout.trim());
}

/** JupyterHub's verdicts (scripts/trait-differential.py), run where a stray file name cannot match anything. */
function jupyterhubVerdicts(cases: { cls: string; section: string; trait: string; value?: string }[]): { ignored?: boolean; rejected?: boolean; error?: string }[] {
  const r = spawnSync(PYTHON, [SCRIPT], { cwd: os.tmpdir(), input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const required = !!process.env.CI || !!process.env.HUBCFG_REQUIRE_JUPYTERHUB;
const available = jupyterhubInstalled();

test('a setting on a class section takes effect exactly when the installed JupyterHub 3.0 applies it', { skip: !available && !required && 'JupyterHub 3.0 is not installed for /usr/bin/python3' }, async () => {
  assert.ok(available, 'JupyterHub 3.0 must be installed for /usr/bin/python3 (apt install jupyterhub)');
  const cat = traitCatalog('3.0');
  const cases: { configured: (typeof CONFIGURED)[number]; section: string; trait: string }[] = [];
  for (const conf of CONFIGURED) {
    const family = cat.classNames().filter((c) => cat.isSubclass(c, conf.base) && cat.getClass(c)?.package === 'jupyterhub');
    const traits = new Set<string>();
    for (const c of family) for (const t of cat.traitsOf(c).keys()) traits.add(t);
    for (const t of ['encodng', 'image_pull_secret', 'logout_redirect_url']) traits.add(t);
    // the sections the class reads: its own and those of its bases in the same family
    const sections = [conf.cls, ...cat.getClass(conf.cls)!.entry.bases.filter((b) => cat.isSubclass(b, conf.base))];
    for (const section of sections) for (const trait of traits) cases.push({ configured: conf, section, trait });
  }
  assert.ok(cases.length > 300, `${cases.length} cases`);

  const verdicts = jupyterhubVerdicts(cases.map((c) => ({ cls: c.configured.py, section: c.section, trait: c.trait })));

  const disagree: string[] = [];
  let compared = 0;
  for (let i = 0; i < cases.length; i++) {
    const v = verdicts[i];
    if (v.error !== undefined) continue;
    const { configured, section, trait } = cases[i];
    const text = `c = get_config()  # noqa\nc.${configured.select}\nc.${section}.${trait} = None\n`;
    const res = await analyze(text, '/srv/jupyterhub/jupyterhub_config.py', { jupyterhubVersion: '3.0' });
    const on = (rule: string) => res.diagnostics.some((d) => d.rule === rule && d.range.start.line === 2);
    const ours = on('traitlets/unknown-trait');
    compared++;
    // a trait traitlets accepts but JupyterHub never reads (group_whitelist) is traitlets/ineffective-trait's
    if (ours !== v.ignored && !(v.ignored && on('traitlets/ineffective-trait'))) disagree.push(`${configured.cls} reading c.${section}.${trait}: JupyterHub ${v.ignored ? 'ignores it' : 'applies it'}, hubcfg ${ours ? 'reports it ignored' : 'does not'}`);
  }
  assert.ok(compared > cases.length * 0.9, `only ${compared} of ${cases.length} cases could be judged by JupyterHub`);
  assert.deepEqual(disagree, []);
});

/** Python literals of every shape a config might give a trait. */
const VALUES = ['"x"', '""', '"2G"', '"true"', '"8000"', '1', '0', '-1', '2.5', 'True', 'False', 'None', '[]', '["a"]', '[1]', '{}', '{"a": 1}', '{"a"}', '("a",)', '{"a": "b"}'];

const TYPED = [
  { cls: 'JupyterHub', py: 'jupyterhub.app:JupyterHub' },
  { cls: 'PAMAuthenticator', py: 'jupyterhub.auth:PAMAuthenticator' },
  { cls: 'LocalProcessSpawner', py: 'jupyterhub.spawner:LocalProcessSpawner' },
  { cls: 'ConfigurableHTTPProxy', py: 'jupyterhub.proxy:ConfigurableHTTPProxy' },
];

test('a value the installed JupyterHub 3.0 refuses is exactly a value traitlets/type-mismatch reports as an error', { skip: !available && !required && 'JupyterHub 3.0 is not installed for /usr/bin/python3' }, async () => {
  assert.ok(available, 'JupyterHub 3.0 must be installed for /usr/bin/python3 (apt install jupyterhub)');
  const cat = traitCatalog('3.0');
  const cases: { cls: string; py: string; section: string; trait: string; value: string }[] = [];
  for (const k of TYPED) {
    for (const t of cat.traitsOf(k.cls).values()) {
      // deprecated names and traits JupyterHub reads through observers are other rules' business
      if (t.entry.deprecated || cat.removedTrait(k.cls, t.name)) continue;
      // an Instance of a class the catalogue does not name cannot be judged from a literal, nor can a
      // string for a class (whether the entry point or module exists depends on what is installed)
      if (t.entry.type === 'Instance' || t.entry.item === 'Instance') continue;
      const byName = t.entry.type === 'EntryPointType' || t.entry.type === 'Type';
      for (const value of VALUES) if (!(byName && value.startsWith('"'))) cases.push({ cls: k.cls, py: k.py, section: t.definedIn, trait: t.name, value });
    }
  }
  assert.ok(cases.length > 2000, `${cases.length} cases`);
  const verdicts = jupyterhubVerdicts(cases.map((c) => ({ cls: c.py, section: c.section, trait: c.trait, value: c.value })));
  const disagree: string[] = [];
  let compared = 0;
  for (let i = 0; i < cases.length; i++) {
    const v = verdicts[i];
    if (v.error !== undefined || v.rejected === undefined) continue;
    const c = cases[i];
    const res = await analyze(`c = get_config()  # noqa\nc.${c.section}.${c.trait} = ${c.value}\n`, '/srv/jupyterhub/jupyterhub_config.py', { jupyterhubVersion: '3.0' });
    const ours = res.diagnostics.some((d) => d.rule === 'traitlets/type-mismatch' && d.severity === 'error' && d.range.start.line === 1);
    compared++;
    if (ours !== v.rejected) disagree.push(`c.${c.section}.${c.trait} = ${c.value}: JupyterHub ${v.rejected ? 'refuses it' : 'accepts it'}, hubcfg ${ours ? 'reports an error' : 'does not'}`);
  }
  assert.ok(compared > cases.length * 0.9, `only ${compared} of ${cases.length} cases could be judged by JupyterHub`);
  assert.deepEqual(disagree, []);
});
