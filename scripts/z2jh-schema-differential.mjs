#!/usr/bin/env node
// Checks hubcfg's "Helm will refuse these values" against Helm's own rule: the chart's values schema
// applied to the chart defaults merged with the file (null deletes a key, as in Helm). Reads the
// schema and the defaults of one chart release from a git directory of zero-to-jupyterhub-k8s.
//
//   node scripts/z2jh-schema-differential.mjs --repo Z2JH_GIT_DIR --version 4.4.0 [--mutants N] PATH...
//
// PATH: values files or directories (walked for *.yaml / *.yml). Files with sops ciphertext or
// template syntax are skipped (Helm sees them rendered). With --mutants N, each file also yields N
// mutants (a key misspelt, a scalar's type changed) that are judged the same way. Needs `npm run
// build` (out/) and the ajv package (a dependency of the build tools). Exit status 1 on disagreement.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const YAML = require('yaml');
const Ajv = require('ajv');
const { analyze } = require(path.join(ROOT, 'out', 'server', 'src', 'engine.js'));

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const repo = opt('--repo');
const version = opt('--version', '4.4.0');
const mutants = Number(opt('--mutants', '0'));
if (!repo || !args.length) {
  console.error('usage: node scripts/z2jh-schema-differential.mjs --repo Z2JH_GIT_DIR --version X.Y.Z [--mutants N] PATH...');
  process.exit(2);
}
const show = (file) => execFileSync('git', ['--git-dir', fs.existsSync(path.join(repo, '.git')) ? path.join(repo, '.git') : repo, 'show', `${version}:${file}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
const schema = YAML.parse(show('jupyterhub/values.schema.yaml'));
delete schema.$schema;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const defaults = YAML.parse(show('jupyterhub/values.yaml'));

const isObj = (x) => !!x && typeof x === 'object' && !Array.isArray(x);
function merge(a, b) {
  if (!isObj(a) || !isObj(b)) return b === undefined ? a : b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v === null) delete out[k];
    else out[k] = merge(a[k], v);
  }
  return out;
}
const walk = (p) => (fs.statSync(p).isFile() ? [p] : fs.readdirSync(p).flatMap((x) => walk(path.join(p, x))));
const SCHEMA_RULES = /^z2jh\/(unknown-key|wrong-type|bad-enum|removed-key|lowercase-config-section)$/;

let seed = 7;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};

/** Helm's verdict and ours on one text; undefined when it cannot be compared. */
async function judge(text, file, root) {
  const res = await analyze(text, file, { chartVersion: version });
  if (res.kind !== 'z2jh_values' || res.model?.skipped) return undefined;
  const r = root ?? res.model.valuesRoots?.[0];
  if (!r || (res.model.valuesRoots ?? []).length !== 1) return undefined;
  let user;
  try {
    const docs = YAML.parseAllDocuments(text, { merge: true });
    if (docs.length !== 1 || docs[0].errors.length) return undefined;
    user = docs[0].toJS({ maxAliasCount: -1 });
  } catch {
    return undefined;
  }
  for (const k of r) user = user?.[k];
  if (!isObj(user)) return undefined;
  const helmOk = validate(merge(defaults, user));
  const helm = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.params.additionalProperty ?? e.params.type ?? ''}`.trim());
  const ours = res.diagnostics.filter((d) => d.severity === 'error' && SCHEMA_RULES.test(d.rule) && (d.rule !== 'z2jh/removed-key' || /Helm will refuse/.test(d.message)));
  return { root: r, helmOk, helm, ours };
}

let compared = 0;
const disagree = [];
const note = (what, j) => {
  compared++;
  if (j.ours.length > 0 === !j.helmOk) return;
  disagree.push(`${what}\n  Helm: ${j.helmOk ? 'accepts' : j.helm.slice(0, 4).join('; ')}\n  hubcfg: ${j.ours.map((d) => `${d.rule} line ${d.range.start.line + 1}`).join(', ') || 'no schema error'}`);
};
for (const file of args.flatMap(walk).filter((f) => /\.ya?ml$/i.test(f))) {
  const text = fs.readFileSync(file, 'utf8');
  if (/ENC\[|\{\{|\{%|\$\{/.test(text)) continue;
  const base = await judge(text, file);
  if (!base) continue;
  note(file, base);
  for (let m = 0; m < mutants; m++) {
    const doc = YAML.parseDocument(text, { merge: true });
    const pairs = [];
    YAML.visit(doc, { Pair: (_, p) => void (YAML.isScalar(p.key) && pairs.push(p)) });
    if (!pairs.length) break;
    const p = pairs[rnd(pairs.length)];
    let what;
    if (m % 2 === 0) {
      what = `misspelt key ${p.key.value}`;
      p.key.value = `${p.key.value}x`;
    } else if (YAML.isScalar(p.value)) {
      const v = p.value.value;
      what = `retyped value of ${p.key.value}`;
      p.value = doc.createNode(typeof v === 'boolean' || typeof v === 'number' ? String(v) : typeof v === 'string' ? 12 : 'x');
    } else continue;
    let t;
    try {
      t = doc.toString();
    } catch {
      continue;
    }
    const j = await judge(t, file, base.root);
    if (j) note(`${file} (${what})`, j);
  }
}
console.log(`chart ${version}: ${compared} values texts compared, ${disagree.length} disagreements`);
for (const d of disagree) console.log(d);
process.exit(disagree.length ? 1 : 0);
