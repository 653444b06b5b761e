/**
 * Plugin catalogues for many versions (docs/dev/catalog-format.md, schema 2).
 *
 * - Differential: for every plugin and every catalogued version, the compact file decodes to a
 *   catalogue whose per-class fingerprint (bases, traits with types and deprecations, removed names)
 *   is the one scripts/gen-traits.py computed from the upstream source at that tag
 *   (test/fixtures/traits/fingerprints.json). Re-running the comparison against upstream source
 *   itself: `python3 scripts/gen-traits.py --verify --sources-dir DIR` (needs the git repositories).
 * - No rename fix of any version targets a trait that version lacks.
 * - The version judged follows the request: the nearest catalogued release not later than it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers/fixtures';
import { analyze } from '../server/src/engine';
import { fixAll } from '../server/src/fixes';
import { decodeCompact, jupyterhubVersions, pluginVersions, resolvePluginVersion, traitCatalog, withTraitOverlay, type CatalogFile, type ClassEntry, type TraitOverlay } from '../server/src/catalog/traits';

const TRAITS_DIR = path.join(ROOT, 'server', 'catalog', 'traits');
const FINGERPRINTS = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'traits', 'fingerprints.json'), 'utf8')) as { packages: Record<string, Record<string, Record<string, string>>> };
const INDEX = JSON.parse(fs.readFileSync(path.join(TRAITS_DIR, 'index.json'), 'utf8')) as { files: { file: string; package: string; schema?: number; versions?: string[] }[] };
const PLUGINS = INDEX.files.filter((f) => f.schema === 2);

/** scripts/gen-traits.py class_fingerprint_lines + catalog_fingerprint, in TypeScript. */
function fingerprint(entry: ClassEntry): string {
  const flags = (d: { since?: string; renamedTo?: string; effect?: string; exact?: false }) => `${d.since ?? ''}|${d.renamedTo ?? ''}|${d.effect ?? ''}|${d.exact === false ? 'inexact' : ''}`;
  const lines = [`bases ${entry.bases.join(',')}`];
  for (const t of Object.keys(entry.traits).sort()) lines.push(`trait ${t} ${entry.traits[t].type} ${flags(entry.traits[t].deprecated ?? {})}`);
  for (const t of Object.keys(entry.removed ?? {}).sort()) lines.push(`removed ${t} ${flags(entry.removed![t])}`);
  return crypto.createHash('sha256').update(lines.join('\n'), 'utf8').digest('hex').slice(0, 16);
}

function decoded(pkg: string, version: string): CatalogFile {
  const f = PLUGINS.find((x) => x.package === pkg)!;
  return decodeCompact(JSON.parse(fs.readFileSync(path.join(TRAITS_DIR, f.file), 'utf8')), version);
}

test('every plugin has one compact catalogue and a fingerprint for each of its versions', () => {
  assert.deepEqual(PLUGINS.map((f) => f.package).sort(), ['batchspawner', 'dockerspawner', 'firstuseauthenticator', 'kubespawner', 'ldapauthenticator', 'nativeauthenticator', 'oauthenticator', 'systemdspawner']);
  for (const f of PLUGINS) {
    assert.deepEqual(Object.keys(FINGERPRINTS.packages[f.package] ?? {}), f.versions, f.package);
    assert.deepEqual(pluginVersions(f.package)?.versions, f.versions, f.package);
  }
});

for (const f of PLUGINS) {
  test(`${f.package}: every catalogued version decodes to the classes, traits, types and deprecations of its upstream source`, () => {
    for (const v of f.versions!) {
      const cat = decoded(f.package, v);
      assert.equal(cat.version, v);
      const want = FINGERPRINTS.packages[f.package][v];
      const got = Object.fromEntries(Object.keys(cat.classes).sort().map((c) => [c, fingerprint(cat.classes[c])]));
      assert.deepEqual(got, want, `${f.package} ${v}`);
      // the loader judges that version and resolves the plugin's classes from it
      const tc = traitCatalog('5.5', undefined, { [f.package]: v });
      assert.equal(tc.pluginVersions[f.package], v);
      for (const [c, e] of Object.entries(cat.classes)) {
        const r = tc.getClass(c);
        if (r?.package !== f.package) continue; // a JupyterHub class of the same name wins
        assert.equal(r.packageVersion, v);
        assert.equal(fingerprint(r.entry), want[c], `${f.package} ${v} ${c}`);
        assert.deepEqual(r.entry, e);
      }
    }
  });
}

/** Pins of images/hub/requirements.txt in the z2jh chart releases 1.0.0 - 4.4.0 (read at each tag). */
const CHART_PINS: Record<string, string[]> = {
  oauthenticator: ['14.0.0', '14.1.0', '14.2.0', '15.1.0', '16.0.4', '16.0.5', '16.0.6', '16.0.7', '16.1.0', '16.2.0', '16.2.1', '16.3.0', '16.3.1', '17.1.0', '17.3.0', '17.4.0'],
  kubespawner: ['1.0.0', '1.1.0', '4.2.0', '6.0.0', '6.1.0', '6.2.0', '7.0.0'],
  ldapauthenticator: ['1.3.2', '2.0.2'],
  nativeauthenticator: ['0.0.7', '1.1.0', '1.2.0', '1.3.0'],
  firstuseauthenticator: ['0.14.1', '1.0.0', '1.1.0', '1.1.1'],
};

test('every plugin release a z2jh chart (1.0.0 to 4.4.0) pins is catalogued exactly', () => {
  for (const [pkg, pins] of Object.entries(CHART_PINS)) {
    const have = new Set(pluginVersions(pkg)!.versions);
    for (const p of pins) assert.ok(have.has(p), `${pkg} ${p}`);
  }
});

test('a requested plugin version is judged as the nearest catalogued release not later than it', () => {
  const r = (pkg: string, v: string | undefined) => resolvePluginVersion(pkg, v).version;
  assert.equal(r('oauthenticator', '17.3'), '17.3.0');
  assert.equal(r('oauthenticator', '17.3.0'), '17.3.0');
  assert.equal(r('oauthenticator', '16.2'), '16.2.0');
  assert.equal(r('oauthenticator', '16.2.9'), '16.2.1');
  assert.equal(r('oauthenticator', '16'), '16.3.1');
  assert.equal(r('oauthenticator', '18.0'), '17.4.0');
  assert.equal(r('oauthenticator', undefined), '17.4.0');
  assert.equal(r('oauthenticator', 'latest'), '17.4.0');
  assert.equal(r('oauthenticator', '0.1'), '0.13.0');
  assert.equal(r('systemdspawner', 'v0.16'), '0.16');
  assert.deepEqual(resolvePluginVersion('jupyterhub-kubespawner', '6.2'), { package: 'kubespawner', version: '6.2.0' });
  assert.deepEqual(resolvePluginVersion('KubeSpawner', '5.1'), { package: 'kubespawner', version: '5.0.0' });
  assert.throws(() => resolvePluginVersion('oauthenticator', 'soon'), /unknown oauthenticator version "soon"/);
  assert.throws(() => resolvePluginVersion('nosuchspawner', '1.0'), /unknown plugin "nosuchspawner"/);
  // the engine never throws on them: a bad entry is judged at the current release
  const tc = traitCatalog('5.5', undefined, { oauthenticator: 'soon', nosuch: '1', kubespawner: '6.2' });
  assert.deepEqual([tc.pluginVersions.oauthenticator, tc.pluginVersions.kubespawner], ['17.4.0', '6.2.0']);
  // decoded lazily once per version, then shared
  assert.equal(traitCatalog('5.5', undefined, { kubespawner: '6.2.0' }), traitCatalog('5.5', undefined, { kubespawner: '6.2' }));
  assert.notEqual(traitCatalog('5.5', undefined, { kubespawner: '6.1' }), traitCatalog('5.5', undefined, { kubespawner: '6.2' }));
  assert.equal(traitCatalog('5.5').pluginVersions.oauthenticator, '17.4.0');
});

const toPy = (v: unknown): string =>
  v === null || v === undefined ? 'None' : v === true ? 'True' : v === false ? 'False' : Array.isArray(v) ? `[${v.map(toPy).join(', ')}]` : typeof v === 'object' ? `{${Object.entries(v as object).map(([k, x]) => `${JSON.stringify(k)}: ${toPy(x)}`).join(', ')}}` : JSON.stringify(v);

/** Every name a catalogue says is deprecated or renamed, for the class that carries the fact. */
function renamedNames(tc: ReturnType<typeof traitCatalog>, pkg?: string): { cls: string; trait: string; value: unknown }[] {
  const out: { cls: string; trait: string; value: unknown }[] = [];
  for (const c of tc.classNames()) {
    const cls = tc.getClass(c)!;
    if (pkg && cls.package !== pkg) continue;
    for (const [t, e] of Object.entries(cls.entry.traits)) if (e.deprecated?.renamedTo) out.push({ cls: c, trait: t, value: e.default });
    for (const [t, r] of Object.entries(cls.entry.removed ?? {})) if (r.renamedTo) out.push({ cls: c, trait: t, value: undefined });
  }
  return out;
}

test('no rename fix, in any catalogued version of any plugin or JupyterHub, targets a trait that version lacks', async () => {
  const judged: { hub: string; plugins: Record<string, string>; pkg?: string }[] = [];
  for (const hub of jupyterhubVersions().keys) judged.push({ hub, plugins: {}, pkg: 'jupyterhub' });
  // every plugin version with every JupyterHub version (a plugin's rename may target a JupyterHub trait)
  for (const f of PLUGINS) for (const v of f.versions!) for (const hub of jupyterhubVersions().keys) judged.push({ hub, plugins: { [f.package]: v }, pkg: f.package });
  let renames = 0;
  for (const j of judged) {
    const tc = traitCatalog(j.hub, undefined, j.plugins);
    const names = renamedNames(tc, j.pkg);
    if (!names.length) continue;
    const text = names.map((n) => `c.${n.cls}.${n.trait} = ${toPy(n.value)}`).join('\n') + '\n';
    const res = await analyze(text, '/srv/jupyterhub/jupyterhub_config.py', { jupyterhubVersion: j.hub, pluginVersions: j.plugins });
    const where = `${j.pkg} ${j.pkg === 'jupyterhub' ? '' : Object.values(j.plugins)[0]} on JupyterHub ${j.hub}`;
    for (const f of res.findings) {
      for (const fix of f.fixes) {
        const m = /^(?:Rename|Change|Move) to ([A-Za-z_]\w*)\.(\w+)$/.exec(fix.title);
        if (!m) continue;
        renames++;
        const [, cls, trait] = m;
        if (tc.getClass(cls)) assert.ok(tc.getTrait(cls, trait), `${where}: ${f.rule} "${fix.title}" names a trait ${cls} does not have (${f.message})`);
        else assert.notEqual(fix.applicability, 'safe', `${where}: a safe rename to ${cls}, which no catalogue knows`);
      }
      // nor is the user told to use it
      const use = /: use ([A-Za-z_]\w*)\.(\w+)/.exec(f.message);
      if (use && tc.getClass(use[1])) assert.ok(tc.getTrait(use[1], use[2]), `${where}: ${f.rule} advises ${use[1]}.${use[2]}, which that version lacks`);
    }
  }
  assert.ok(renames > 500, `only ${renames} rename fixes checked`);
});

const CILOGON = `c.JupyterHub.authenticator_class = "cilogon"
c.CILogonOAuthenticator.allowed_idps = {"https://idp.example.org": {"username_derivation": {"username_claim": "email"}}}
`;
const GENERIC = `c.JupyterHub.authenticator_class = "generic-oauth"
c.GenericOAuthenticator.username_key = "email"
`;
const FILE = '/srv/jupyterhub/jupyterhub_config.py';

test('--fix follows the judged OAuthenticator: 17.3 keeps allowed_idps, 15.1 keeps username_key, 17.4 renames both', async () => {
  assert.equal((await fixAll(CILOGON, FILE, { pluginVersions: { oauthenticator: '17.3' } })).text, CILOGON);
  assert.equal((await fixAll(GENERIC, FILE, { pluginVersions: { oauthenticator: '15.1' } })).text, GENERIC);
  assert.equal((await fixAll(CILOGON, FILE, { pluginVersions: { oauthenticator: '17.4' } })).text, CILOGON.replace('allowed_idps', 'idps'));
  assert.equal((await fixAll(GENERIC, FILE, { pluginVersions: { oauthenticator: '16.0' } })).text, GENERIC.replace('username_key', 'username_claim'));
  // the default is the current release
  assert.equal((await fixAll(CILOGON, FILE, {})).text, CILOGON.replace('allowed_idps', 'idps'));
  const r = await analyze(CILOGON, FILE, { pluginVersions: { oauthenticator: '17.3' } });
  assert.deepEqual(r.diagnostics.map((d) => d.rule), []);
  assert.equal(r.pluginVersions?.oauthenticator, '17.3.0');
});

test('the replacement advised for a deprecated trait is the one of the judged version', async () => {
  // CILogon's shown_idps: deprecated from 16.0 towards allowed_idps, and towards idps from 17.4
  const text = 'c.CILogonOAuthenticator.shown_idps = []\n';
  const at = async (v: string) => (await analyze(text, FILE, { pluginVersions: { oauthenticator: v } })).diagnostics.find((d) => d.rule === 'traitlets/deprecated-trait');
  assert.match((await at('17.3'))!.message, /use CILogonOAuthenticator\.allowed_idps/);
  assert.match((await at('17.4'))!.message, /use CILogonOAuthenticator\.idps/);
  assert.equal(await at('15.1'), undefined);
});

test('a rename whose target the judged catalogue lacks is neither advised nor fixed', async () => {
  // facts that point at a trait the class does not have (as a plugin's alias table can, for another version)
  const entry: ClassEntry = {
    module: 'myauth',
    bases: ['Authenticator', 'LoggingConfigurable', 'Configurable'],
    traits: { old_name: { type: 'Unicode', default: '', deprecated: { since: '2.0', renamedTo: 'new_name', effect: 'copied' } }, kept: { type: 'Unicode', default: '' } },
    removed: { gone_name: { since: '2.0', renamedTo: 'other_name', effect: 'copied' }, moved: { since: '2.0', renamedTo: 'kept', effect: 'copied' } },
  };
  const overlay: TraitOverlay = { id: 'test-missing-target', source: 'test', classes: { MyAuthenticator: { entry, package: 'myauth', packageVersion: '2.0' } } };
  const text = 'c.MyAuthenticator.old_name = "x"\nc.MyAuthenticator.gone_name = "x"\nc.MyAuthenticator.moved = "x"\n';
  const res = await withTraitOverlay(overlay, () => analyze(text, FILE, {}));
  const dep = res.diagnostics.filter((d) => d.rule === 'traitlets/deprecated-trait');
  // old_name: still deprecated, but no advice to use new_name and no fix
  const old = dep.find((d) => d.range.start.line === 0)!;
  assert.ok(old, res.diagnostics.map((d) => d.message).join('\n'));
  assert.doesNotMatch(old.message, /new_name/);
  assert.deepEqual(old.fixes, []);
  // gone_name: nothing moves its value anywhere, so it is no "old name" of an existing trait
  assert.equal(dep.find((d) => d.range.start.line === 1), undefined);
  // moved: its target exists, so the rename stays (safe)
  const moved = dep.find((d) => d.range.start.line === 2)!;
  assert.match(moved.message, /use MyAuthenticator\.kept/);
  assert.deepEqual(moved.fixes.map((f) => f.applicability), ['safe']);
  assert.equal((await withTraitOverlay(overlay, () => fixAll(text, FILE, {}))).text, text.replace('moved', 'kept'));
});
