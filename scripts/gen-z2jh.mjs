#!/usr/bin/env node
// Generate the Zero-to-JupyterHub (z2jh) chart catalogues from a z2jh git directory.
//
// Usage:
//   node scripts/gen-z2jh.mjs [--git-dir] <path/to/zero-to-jupyterhub-k8s(.git)> [--out <repo root>]
//        [--versions 3.2.1,4.4.0] [--main-ref main]
//
//   --git-dir   a clone or bare mirror of jupyterhub/zero-to-jupyterhub-k8s (tags needed); the
//               path may also be given as the only positional argument
//   --out       repository root to write into (default: the parent of this script's folder)
//   --versions  chart releases to write a schema for (default: every final release >= 1.0.0);
//               "main" is always added
//   --main-ref  ref of the development head (default: branch "main", else HEAD)
//
// Reads, per ref, with `git show`:
//   jupyterhub/values.schema.yaml (>= 3.0.0) | jupyterhub/schema.yaml (0.9.0 .. 2.0.0)
//   | jupyterhub/values.schema.json (fallback), jupyterhub/values.yaml, jupyterhub/Chart.yaml,
//   jupyterhub/files/hub/jupyterhub_config.py, jupyterhub/templates/** (traitmap probes only)
// and scans every final release tag >= 0.9.0 plus the main ref to compute `added`/history.
//
// Writes (facts only; upstream `description`/`title` prose is never stored):
//   server/catalog/z2jh/schemas.json     the values schema of every catalogued release and main,
//                                        deduplicated (format below)
//   server/catalog/z2jh/index.json       versions, default; per release: appVersion, JupyterHub,
//                                        the hub image's pins, fingerprints of the schema
//   server/catalog/z2jh/history.json     key paths added/removed between releases
//   server/catalog/z2jh/traitmap.json    chart value -> JupyterHub/KubeSpawner trait mappings
// and deletes per-version catalogues of the old layout (<version>.json) it finds there.
//
// schemas.json:
//   { "schema": 2, "upstream": ..., "nodes": [Rec, ...],
//     "releases": { "<chart>": { "root": <node id>, "doc": "<reference page URL>" } } }
//   Every release's schema is a tree of Nodes (below). The tree is stored hash-consed: each
//   distinct subtree once, in `nodes` (children before parents), and a release names its root.
//   Rec = a Node whose child Nodes (under p, pp, ap, items, any, all, if, then, else, not) are
//   replaced by their index in `nodes`, and without `doc`: the loader rebuilds `doc` from the
//   release's reference page and the key path (see attachDocs). A release that changes one key
//   adds only the nodes on the way from that key to the root.
//
// index.json "versions" (catalogued releases and main): {chart, file (the key for
//   chartCatalog(), = chart), appVersion, jupyterhub, kubeVersion, commit, date, paths,
//   fp: {paths, n, tree}}:
//   fp.paths = sha256 (first 16 hex) of the sorted lines "<path> <types>" read from the upstream
//   schema file itself (schemaLines: properties, patternProperties "*", additionalProperties
//   schema "*", items "[]", through then/else/allOf/anyOf/oneOf); fp.n = their count;
//   fp.tree = sha256 (first 16 hex) of the canonical JSON (sorted keys) of the release's Node
//   tree, doc included. test/z2jh.releases.test.ts recomputes both from the decoded catalogue.
// index.json "releases" (every final release >= 0.9.0, and main): {appVersion, jupyterhub,
//   kubeVersion, date, schema, commit, pins, python?}: pins = the JupyterHub packages
//   images/hub/requirements.txt pins (normalised names: "jupyterhub-" prefix dropped, so
//   jupyterhub, kubespawner, oauthenticator, ldapauthenticator, nativeauthenticator,
//   firstuseauthenticator, tmpauthenticator, ltiauthenticator, hmacauthenticator,
//   dummyauthenticator, nullauthenticator, idle-culler; and traitlets); python = X.Y of the
//   hub image's python:X.Y base image, when it has one.
//
// Node format (the decoded form, as server/src/catalog/z2jh.ts gives it to the rules):
//   Node = {
//     "t"?: string | string[],      JSON-schema type(s)
//     "enum"?: unknown[], "const"?: unknown,
//     "p"?: { [key]: Node },        properties
//     "pp"?: { [regex]: Node },     patternProperties
//     "ap"?: boolean | Node,        additionalProperties (false = closed: Helm rejects unknown keys;
//                                   absent = JSON-schema default, i.e. open)
//     "items"?: Node,
//     "any"?: Node[], "one"?: true, oneOf/anyOf alternatives ("one": exactly one must match)
//     "all"?: Node[],               allOf
//     "if"?: Node, "then"?: Node, "else"?: Node
//                                   conditional; NOTE imagePullSecret keeps its properties
//                                   under "then" (they apply when create: true)
//     "req"?: string[],             required (only meaningful on the merged values of all files)
//     "minimum"?/"maximum"?/"minLength"?/"maxLength"?/"pattern"?/"minItems"?/"maxItems"?: as in JSON schema
//     "dep"?: true,                 the schema marks the key `deprecated: true` (1.x charts)
//     "fail"?: true,                the key is still in the schema, but setting it makes
//                                   templates/NOTES.txt abort the install (retired key, see
//                                   server/catalog/z2jh/renames.json); such nodes carry no "added"
//     "def"?: unknown,              default from values.yaml: scalars, and lists/maps whose JSON is
//                                   <= 200 chars (maps only when they hold keys the node does not
//                                   declare); omitted for "set-by-chartpress" image-tag placeholders
//     "added"?: string,             first release (of the contiguous run up to this version) whose
//                                   schema (or, before 1.0.0, schema + values.yaml) has this path;
//                                   "0.9.0" means "0.9.0 or earlier"; "main" = unreleased
//     "doc"?: string                configuration-reference URL; anchors are the MyST labels the docs
//                                   build emits per schema property, `(schema_<dotted.path>)=`, which
//                                   Sphinx turns into `#schema-<path lower-cased, . and _ as ->`.
//                                   Only paths reachable through `properties` (following `then`
//                                   like the docs build does) have an anchor.
//   }
//   Path notation used in history/added: dotted keys, "*" for a patternProperties key,
//   "[]" for array items.
//
// history.json: { "schema": 1, "scanned": [{version, commit, from}], "checkpoints": [..],
//   "steps": [{from, to, added: [path], removed: [path], closed?: [path], fails?: [path]}]
//             between checkpoints (topmost paths only); closed = objects that stopped accepting
//             unknown keys; fails = keys the newer NOTES.txt aborts on,
//   "removed": [{path, last, in}] }   every removal between consecutive scanned releases:
//   `last` = last release that had the path, `in` = first release without it. Topmost paths only
//   (a removed path implies its descendants). A path counts as kept when the newer release still
//   has it or when an ancestor became a free-form map. Keys that NOTES.txt aborts on count as
//   absent; keys it only prints a deprecation for (before 1.0.0) count as present.
//
// traitmap.json: [{value, trait, since, until?, how, at?}]
//   how: "set" (set_config_if_not_none, skipped when the value is null), "direct" (c.X.y =
//   get_config(...)), "manual" (derived in code or templates; from the hand list MANUAL_TRAITMAP
//   below, `since` found by probing each release for a marker string). `at` = file:line at main.
//   Entries not present at main carry `until` (last release with the mapping).
//
// Requires the `yaml` npm package (a project dependency).

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const UPSTREAM = 'jupyterhub/zero-to-jupyterhub-k8s';
const DOC_ROOT = 'https://z2jh.jupyter.org/en';
const MIN_SCAN = [0, 9, 0];
const DEF_MAX_JSON = 200;

// ---------------------------------------------------------------- CLI
function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m && !a.startsWith('-') && o['git-dir'] === undefined) { o['git-dir'] = a; continue; }
    if (!m) throw new Error(`unexpected argument: ${a}`);
    o[m[1]] = m[2] !== undefined ? m[2] : argv[++i];
  }
  return o;
}
const args = parseArgs(process.argv.slice(2));
if (!args['git-dir']) {
  console.error('usage: node scripts/gen-z2jh.mjs [--git-dir] <z2jh git dir> [--out <repo root>] [--versions a,b] [--main-ref main]');
  process.exit(2);
}
const GIT_DIR = resolve(args['git-dir']);
const OUT_ROOT = resolve(args.out ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const OUT_DIR = join(OUT_ROOT, 'server', 'catalog', 'z2jh');

// ---------------------------------------------------------------- git
function git(...a) {
  return execFileSync('git', ['--git-dir', GIT_DIR, ...a], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}
function show(ref, path) {
  try { return git('show', `${ref}:${path}`); } catch { return null; }
}
function revParse(ref) { return git('rev-parse', `${ref}^{commit}`).trim(); }

// ---------------------------------------------------------------- versions
const parseVer = (v) => /^\d+\.\d+\.\d+$/.test(v) ? v.split('.').map(Number) : null;
function cmpVer(a, b) {
  const x = parseVer(a), y = parseVer(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
const finals = git('tag', '--list').split('\n').map((s) => s.trim())
  .filter((t) => parseVer(t) && cmpVer(t, MIN_SCAN.join('.')) >= 0)
  .sort(cmpVer);
if (!finals.length) throw new Error('no release tags >= 0.9.0 found in the git dir');
let MAIN_REF = args['main-ref'];
if (!MAIN_REF) { try { revParse('main'); MAIN_REF = 'main'; } catch { MAIN_REF = 'HEAD'; } }

const catalogVersions = args.versions
  ? args.versions.split(',').map((s) => s.trim()).filter(Boolean)
  : finals.filter((t) => parseVer(t)[0] >= 1);
for (const v of catalogVersions) if (v !== 'main' && !finals.includes(v)) throw new Error(`no tag ${v}`);
const DEFAULT_VERSION = finals[finals.length - 1];

// Scan list: every final tag >= 0.9.0, then main.
const scan = [...finals.map((t) => ({ label: t, ref: t })), { label: 'main', ref: MAIN_REF }];
const labelOrder = new Map(scan.map((s, i) => [s.label, i]));

// ---------------------------------------------------------------- loading
const SCHEMA_FILES = ['jupyterhub/values.schema.yaml', 'jupyterhub/schema.yaml', 'jupyterhub/values.schema.json'];
function parseYaml(text) { return YAML.parse(text, { maxAliasCount: -1, merge: true }); }

function loadRelease(s) {
  const commit = revParse(s.ref);
  let schema = null, schemaFile = null;
  for (const f of SCHEMA_FILES) {
    const txt = show(commit, f);
    if (txt != null) { schema = parseYaml(txt); schemaFile = f; break; }
  }
  const valuesTxt = show(commit, 'jupyterhub/values.yaml');
  const values = valuesTxt != null ? parseYaml(valuesTxt) : null;
  const chartTxt = show(commit, 'jupyterhub/Chart.yaml');
  const chart = chartTxt != null ? parseYaml(chartTxt) : {};
  const date = git('log', '-1', '--format=%cs', commit).trim();
  return { ...s, commit, schema, schemaFile, values, chart, date };
}

// ---------------------------------------------------------------- schema -> Node
const IGNORED_KEYWORDS = new Set(['description', 'title', '$schema', '$schema"', '$comment', 'examples', '$id', 'definitions', '$defs']);
const KEPT_VALIDATION = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'format'];
const unknownKeywords = new Set();

function resolveRef(rootSchema, ref) {
  const m = /^#\/(.*)$/.exec(ref);
  if (!m) throw new Error(`unsupported $ref ${ref}`);
  let n = rootSchema;
  for (const seg of m[1].split('/')) n = n?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (n === undefined) throw new Error(`unresolvable $ref ${ref}`);
  return n;
}

function toNode(s, rootSchema, depth = 0, refStack = []) {
  if (depth > 64) throw new Error('schema too deep (alias cycle?)');
  if (s === true || s === false) return s ? {} : { not: true };
  if (!s || typeof s !== 'object') return {};
  if (typeof s.$ref === 'string') {
    if (refStack.includes(s.$ref)) return { ref: s.$ref };
    const target = resolveRef(rootSchema, s.$ref);
    const { $ref, ...rest } = s;
    return toNode({ ...target, ...rest }, rootSchema, depth + 1, [...refStack, s.$ref]);
  }
  const n = {};
  const sub = (x) => toNode(x, rootSchema, depth + 1, refStack);
  for (const [k, v] of Object.entries(s)) {
    switch (k) {
      case 'type': n.t = v; break;
      case 'enum': n.enum = v; break;
      case 'const': n.const = v; break;
      case 'properties': n.p = Object.fromEntries(Object.entries(v ?? {}).map(([kk, vv]) => [kk, sub(vv)])); break;
      case 'patternProperties': n.pp = Object.fromEntries(Object.entries(v ?? {}).map(([kk, vv]) => [kk, sub(vv)])); break;
      case 'additionalProperties': n.ap = typeof v === 'boolean' ? v : sub(v); break;
      case 'items': n.items = Array.isArray(v) ? v.map(sub) : sub(v); break;
      case 'oneOf': n.any = v.map(sub); n.one = true; break;
      case 'anyOf': n.any = v.map(sub); break;
      case 'allOf': n.all = v.map(sub); break;
      case 'not': n.not = sub(v); break;
      case 'if': n.if = sub(v); break;
      case 'then': n.then = sub(v); break;
      case 'else': n.else = sub(v); break;
      case 'required': n.req = v; break;
      case 'deprecated': if (v === true) n.dep = true; break;
      case 'default': break; // defaults come from values.yaml
      default:
        if (KEPT_VALIDATION.includes(k)) n[k] = v;
        else if (!IGNORED_KEYWORDS.has(k)) unknownKeywords.add(k);
    }
  }
  return n;
}

// Children reachable at the same path (then/else/any/all branches merged).
function branches(n) {
  const out = [n];
  for (const k of ['then', 'else']) if (n[k]) out.push(...branches(n[k]));
  for (const k of ['any', 'all']) if (Array.isArray(n[k])) for (const x of n[k]) out.push(...branches(x));
  return out;
}

// ---------------------------------------------------------------- key trees
// KeyTree node: { kids: Map<seg, KeyTree>, free: bool }  free = accepts arbitrary keys and
// declares none (a free-form map).
function newKT() { return { kids: new Map(), free: false, obj: false, open: false }; }
function ktChild(kt, seg) { let c = kt.kids.get(seg); if (!c) { c = newKT(); kt.kids.set(seg, c); } return c; }

function addSchemaToKT(node, kt) {
  for (const b of branches(node)) {
    const t = b.t === undefined ? null : [].concat(b.t);
    if (!t || t.includes('object')) {
      kt.obj = kt.obj || !!(t || b.p || b.pp || b.ap !== undefined);
      if (b.ap !== false && (t || b.p || b.ap !== undefined)) kt.open = true;
    }
    if (b.p) for (const [k, v] of Object.entries(b.p)) addSchemaToKT(v, ktChild(kt, k));
    if (b.pp) for (const [re, v] of Object.entries(b.pp)) { const c = ktChild(kt, '*'); c.patterns = [...(c.patterns ?? []), re]; addSchemaToKT(v, c); }
    if (b.items && !Array.isArray(b.items)) addSchemaToKT(b.items, ktChild(kt, '[]'));
    if (b.ap && typeof b.ap === 'object') addSchemaToKT(b.ap, ktChild(kt, '*'));
  }
}
// A values.yaml map whose keys are not config-like names (labels such as
// "hub.jupyter.org/network-access-hub") is data: the map is free-form.
const CONFIG_KEY = /^[A-Za-z0-9_-]+$/;
function addValuesToKT(v, kt) {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    kt.obj = true;
    if (Object.keys(v).some((k) => !CONFIG_KEY.test(k))) { kt.dataMap = true; return; }
    for (const [k, x] of Object.entries(v)) addValuesToKT(x, ktChild(kt, k));
  }
}
function finishKT(kt, strict) {
  kt.free = kt.dataMap || (kt.obj && kt.kids.size === 0);
  if (!strict) kt.open = kt.free;
  for (const c of kt.kids.values()) finishKT(c, strict);
  return kt;
}
function ktGet(kt, path) {
  let cur = kt;
  for (const seg of path.split('.')) { cur = cur?.kids.get(seg); if (!cur) return null; }
  return cur;
}
function ktDelete(kt, path) {
  const segs = path.split('.');
  const parent = segs.length > 1 ? ktGet(kt, segs.slice(0, -1).join('.')) : kt;
  parent?.kids.delete(segs[segs.length - 1]);
}
function ktEnsure(kt, path) {
  let cur = kt;
  for (const seg of path.split('.')) { cur = ktChild(cur, seg); }
  return cur;
}
function ktPaths(kt, prefix = '', out = new Set()) {
  for (const [k, c] of kt.kids) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.add(p);
    ktPaths(c, p, out);
  }
  return out;
}
const keyPaths = (kt) => new Set([...ktPaths(kt)].filter((p) => !p.split('.').includes('[]')));
function patternMatches(patterns, seg) {
  if (seg === '*') return true;
  for (const re of patterns ?? []) { try { if (new RegExp(re, 'u').test(seg)) return true; } catch { return true; } }
  return false;
}
// Does release tree `kt` accept path `path` of another release? A free-form map accepts
// everything below it; an open object (additionalProperties not false) subsumes a "*" entry
// but not a named key that it no longer declares.
function ktAccepts(kt, path) {
  let cur = kt;
  for (const seg of path.split('.')) {
    if (cur.free) return true;
    let next = cur.kids.get(seg);
    if (!next) { const star = cur.kids.get('*'); if (star && patternMatches(star.patterns, seg)) next = star; }
    if (!next) return seg === '*' && cur.open;
    cur = next;
  }
  return true;
}
function topmost(paths) {
  const set = new Set(paths);
  return [...set].filter((p) => {
    const segs = p.split('.');
    for (let i = 1; i < segs.length; i++) if (set.has(segs.slice(0, i).join('.'))) return false;
    return true;
  }).sort();
}

// ---------------------------------------------------------------- NOTES.txt
// The chart keeps some retired keys in its schema only so that templates/NOTES.txt can stop
// the install with a message (and before 1.0.0 printed soft deprecation notes). Collect the
// value paths whose presence makes NOTES.txt fail ("fail") or print a deprecation ("dep").
// Only simple conditions are used: `if hasKey .Values.a "b"` and `if .Values.a.b`; the
// outermost such condition around a `fail` / `$breaking = print ...` names the path.
function notesConditions(text) {
  const res = { fail: new Set(), dep: new Set() };
  if (!text) return res;
  const src = text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');
  const frames = [];
  const re = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
  let m, last = 0;
  const noteText = (t) => { for (const f of frames) f.text += t; };
  while ((m = re.exec(src))) {
    noteText(src.slice(last, m.index));
    last = re.lastIndex;
    const a = m[1].trim();
    let k;
    if ((k = /^if\s+(.*)$/s.exec(a))) {
      const c = k[1].trim();
      let path = null, q;
      if ((q = /^hasKey\s+\.Values((?:\.\w+)*)\s+"(\w+)"$/.exec(c))) path = `${q[1].slice(1)}${q[1] ? '.' : ''}${q[2]}`;
      else if ((q = /^\.Values((?:\.\w+)+)$/.exec(c))) path = q[1].slice(1);
      frames.push({ path, fail: false, text: '' });
    } else if (/^(with|range|define|block)\b/.test(a)) frames.push({ path: null, fail: false, text: '' });
    else if (/^else\b/.test(a)) { if (frames.length) frames[frames.length - 1].path = null; }
    else if (/^end\b/.test(a)) {
      const f = frames.pop();
      if (f?.path) {
        const outer = frames.some((x) => x.path);
        if (!outer) {
          if (f.fail) res.fail.add(f.path);
          else if (/deprecat/i.test(f.text)) res.dep.add(f.path);
        }
      }
      if (f?.fail && frames.length) frames[frames.length - 1].fail = true;
    } else {
      noteText(a);
      if (/(^|[|(\s])fail\b/.test(a) || /\$breaking\s*=\s*print\s+\$breaking/.test(a)) for (const f of frames) f.fail = true;
    }
  }
  return res;
}

// ---------------------------------------------------------------- defaults, docs, added
function defaultOk(v) {
  if (v === 'set-by-chartpress') return false;
  if (v === null || typeof v !== 'object') return true;
  return JSON.stringify(v).length <= DEF_MAX_JSON;
}
function attachDefaults(node, values) {
  if (values === undefined) return;
  const props = {};
  for (const b of branches(node)) if (b.p) Object.assign(props, b.p);
  // objects: only when the children do not already carry it (no declared properties, or
  // default keys that are not declared, e.g. hub.config.JupyterHub.authenticator_class)
  const isMap = values && typeof values === 'object' && !Array.isArray(values);
  if (!isMap || Object.keys(props).length === 0 || Object.keys(values).some((k) => !(k in props))) {
    if (defaultOk(values)) node.def = values;
  }
  if (values && typeof values === 'object' && !Array.isArray(values)) {
    for (const b of branches(node)) if (b.p) for (const [k, c] of Object.entries(b.p)) if (k in values) attachDefaults(c, values[k]);
  }
}
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
// Mirrors the docs build: at each level, a `then` replaces the node, then its `properties` get
// one reference heading + label each.
function attachDocs(node, base, pre = '') {
  let d = node;
  if (d.then) d = d.then;
  if (!d.p) return;
  for (const [k, c] of Object.entries(d.p)) {
    c.doc = `${base}#${slug(`schema_${pre}${k}`)}`;
    attachDocs(c, base, `${pre}${k}.`);
  }
}
function attachAdded(node, path, addedOf) {
  for (const b of branches(node)) {
    if (b.p) for (const [k, c] of Object.entries(b.p)) { const p = path ? `${path}.${k}` : k; setAdded(c, p, addedOf); attachAdded(c, p, addedOf); }
    if (b.pp) for (const c of Object.values(b.pp)) { const p = path ? `${path}.*` : '*'; setAdded(c, p, addedOf); attachAdded(c, p, addedOf); }
    if (b.items && !Array.isArray(b.items)) { const p = `${path}.[]`; attachAdded(b.items, p, addedOf); }
  }
}
function setAdded(c, p, addedOf) { const a = addedOf(p); if (a && c.added === undefined) c.added = a; }

function countNodes(n) {
  let nodes = 0, paths = 0, closed = 0, open = 0;
  (function walk(x, isProp) {
    if (!x || typeof x !== 'object') return;
    nodes++; if (isProp) paths++;
    if (x.ap === false) closed++; else if (x.ap === true || (x.ap && typeof x.ap === 'object')) open++;
    for (const k of ['p', 'pp']) if (x[k]) for (const c of Object.values(x[k])) walk(c, true);
    for (const k of ['items', 'if', 'then', 'else', 'not']) if (x[k] && !Array.isArray(x[k])) walk(x[k], false);
    if (x.ap && typeof x.ap === 'object') walk(x.ap, false);
    for (const k of ['any', 'all']) if (Array.isArray(x[k])) x[k].forEach((c) => walk(c, false));
  })(n, false);
  return { nodes, paths, closed, open };
}


// ---------------------------------------------------------------- storage (schemas.json)
// Keys of a Node that hold child Nodes; everything else is data.
const NODE_MAPS = ['p', 'pp'];
const NODE_ONE = ['ap', 'items', 'if', 'then', 'else', 'not'];
const NODE_LISTS = ['any', 'all', 'items'];
function newNodeStore() {
  const nodes = [], ids = new Map();
  const put = (n) => {
    const rec = {};
    for (const [k, v] of Object.entries(n)) {
      if (k === 'doc') continue; // rebuilt by the loader from the key path
      if (NODE_MAPS.includes(k)) rec[k] = Object.fromEntries(Object.entries(v).map(([kk, c]) => [kk, put(c)]));
      else if (NODE_LISTS.includes(k) && Array.isArray(v)) rec[k] = v.map(put);
      else if (NODE_ONE.includes(k) && v && typeof v === 'object') rec[k] = put(v);
      else rec[k] = v;
    }
    const key = JSON.stringify(rec);
    let id = ids.get(key);
    if (id === undefined) { id = nodes.length; nodes.push(rec); ids.set(key, id); }
    return id;
  };
  return { nodes, put };
}
// The loader's decoding (server/src/catalog/z2jh.ts decodes the same way).
function decodeNode(nodes, id, doc) {
  const build = (i) => {
    const rec = nodes[i], n = {};
    for (const [k, v] of Object.entries(rec)) {
      if (NODE_MAPS.includes(k)) n[k] = Object.fromEntries(Object.entries(v).map(([kk, c]) => [kk, build(c)]));
      else if (NODE_LISTS.includes(k) && Array.isArray(v)) n[k] = v.map(build);
      else if (NODE_ONE.includes(k) && typeof v === 'number') n[k] = build(v);
      else n[k] = v;
    }
    return n;
  };
  const root = build(id);
  attachDocs(root, doc);
  return root;
}
function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}
const sha16 = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);
// Fingerprint lines of an upstream schema file, read from the file's own YAML (not from the
// Node conversion): "<path> <type|type>" for every key path, "*" for patternProperties and an
// additionalProperties schema, "[]" for array items, alternatives (then/else/allOf/anyOf/oneOf)
// merged into the same path.
function schemaLines(schema) {
  const types = new Map();
  const walk = (s, path, depth, refs) => {
    if (depth > 64) throw new Error('schema too deep');
    if (s && typeof s === 'object' && typeof s.$ref === 'string') {
      if (refs.includes(s.$ref)) return;
      const { $ref, ...rest } = s;
      walk({ ...resolveRef(schema, $ref), ...rest }, path, depth + 1, [...refs, $ref]);
      return;
    }
    if (path) { const set = types.get(path) ?? new Set(); types.set(path, set); if (s && typeof s === 'object') for (const t of [].concat(s.type ?? [])) set.add(t); }
    if (!s || typeof s !== 'object') return;
    const at = (k) => (path ? `${path}.${k}` : k);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, at(k), depth + 1, refs);
    for (const v of Object.values(s.patternProperties ?? {})) walk(v, at('*'), depth + 1, refs);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, at('*'), depth + 1, refs);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) walk(s.items, at('[]'), depth + 1, refs);
    for (const k of ['then', 'else']) if (s[k] && typeof s[k] === 'object') walk(s[k], path, depth + 1, refs);
    for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k])) for (const x of s[k]) walk(x, path, depth + 1, refs);
  };
  walk(schema, '', 0, []);
  return [...types].map(([p, t]) => `${p} ${[...t].sort().join('|')}`).sort();
}
// The JupyterHub packages pinned by the hub image's requirements.txt (pip-compile output).
const PIN_KEEP = (name) => name === 'jupyterhub' || name === 'traitlets' || name.startsWith('jupyterhub-') || /authenticator|spawner/.test(name);
function requirementPins(text) {
  const pins = {};
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:==\s*([^\s;\\]+)|@\s*(\S+))/.exec(line);
    if (!m) continue;
    const name = m[1].toLowerCase().replace(/[._]+/g, '-');
    if (!PIN_KEEP(name)) continue;
    pins[name === 'jupyterhub' ? name : name.replace(/^jupyterhub-/, '')] = m[2] ?? m[3];
  }
  return Object.fromEntries(Object.entries(pins).sort(([a], [b]) => (a === 'jupyterhub' ? -1 : b === 'jupyterhub' ? 1 : a.localeCompare(b))));
}

// ---------------------------------------------------------------- traitmap
const CONFIG_PY = 'jupyterhub/files/hub/jupyterhub_config.py';
// Hand-checked mappings that the regex scan cannot see (values consumed through local
// variables, templates or secrets). `since` is dated by probing each release: `probe` is a
// RegExp tested on jupyterhub_config.py (quotes normalised to "), `tprobe` a literal searched
// in jupyterhub/templates/** (either one matching counts).
const MANUAL_TRAITMAP = [
  { value: 'hub.config', trait: '<Class>.<trait>', probe: /get_config\("hub\.config"/, fn: 'each section: c[section].update(cfg), after the chart logic' },
  { value: 'hub.extraConfig', trait: '(python exec, last)', probe: /"hub\.extraConfig"/, fn: 'exec of each entry, sorted by key' },
  { value: 'hub.services', trait: 'JupyterHub.services', probe: /"hub\.services"/, fn: 'appended; name defaults to the key; api_token from the hub Secret' },
  { value: 'hub.loadRoles', trait: 'JupyterHub.load_roles', probe: /"hub\.loadRoles"/, fn: 'appended; name defaults to the key' },
  { value: 'hub.cookieSecret', trait: 'JupyterHub.cookie_secret', probe: /"hub\.cookieSecret"/, tprobe: '.Values.hub.cookieSecret', fn: 'hub Secret (templates/hub/_helpers-passwords.tpl), read with get_secret_value' },
  { value: 'proxy.secretToken', trait: 'ConfigurableHTTPProxy.auth_token', probe: /"proxy\.secretToken"/, tprobe: '.Values.proxy.secretToken', fn: 'hub Secret -> CONFIGPROXY_AUTH_TOKEN env of hub and proxy' },
  { value: 'hub.db.type', trait: 'JupyterHub.db_url', probe: /"hub\.db\.type"/, fn: 'sqlite-pvc / sqlite-memory choose the URL' },
  { value: 'singleuser.image.name', trait: 'KubeSpawner.image', probe: /"singleuser\.image\.name"/, fn: 'name[:tag]' },
  { value: 'singleuser.image.tag', trait: 'KubeSpawner.image', probe: /"singleuser\.image\.tag"/, fn: 'name[:tag]' },
  { value: 'singleuser.image.pullSecrets', trait: 'KubeSpawner.image_pull_secrets', probe: /"singleuser\.image\.pullSecrets"/, fn: 'combined with imagePullSecret(s)' },
  { value: 'imagePullSecrets', trait: 'KubeSpawner.image_pull_secrets', probe: /get_config\("imagePullSecrets"\)/, fn: 'combined list' },
  { value: 'imagePullSecret.create', trait: 'KubeSpawner.image_pull_secrets', probe: /"imagePullSecret\.create"/, fn: 'with imagePullSecret.automaticReferenceInjection' },
  { value: 'singleuser.cmd', trait: 'Spawner.cmd', probe: /"singleuser\.cmd"/, fn: 'explicit null is passed on (2.0.0+)' },
  { value: 'scheduling.userScheduler.enabled', trait: 'KubeSpawner.scheduler_name', probe: /"scheduling\.userScheduler\.enabled"/, fn: 'user-scheduler name' },
  { value: 'scheduling.podPriority.enabled', trait: 'KubeSpawner.priority_class_name', probe: /"scheduling\.podPriority\.enabled"/, fn: 'priority class name' },
  { value: 'scheduling.userPods.nodeAffinity.matchNodePurpose', trait: 'KubeSpawner.node_affinity_preferred|node_affinity_required', probe: /"scheduling\.userPods\.nodeAffinity\.matchNodePurpose"/, fn: 'prefer / require / ignore' },
  { value: 'scheduling.userPods.tolerations', trait: 'KubeSpawner.tolerations', probe: /"scheduling\.userPods\.tolerations"/, fn: 'concatenated with singleuser.extraTolerations' },
  { value: 'singleuser.extraTolerations', trait: 'KubeSpawner.tolerations', probe: /get_config\("singleuser\.extraTolerations"/, fn: 'concatenated with scheduling.userPods.tolerations' },
  { value: 'singleuser.storage.type', trait: 'KubeSpawner.volumes|volume_mounts|storage_pvc_ensure', probe: /"singleuser\.storage\.type"/, fn: 'dynamic / static / none' },
  { value: 'singleuser.storage.dynamic.pvcNameTemplate', trait: 'KubeSpawner.pvc_name_template', probe: /"singleuser\.storage\.dynamic\.pvcNameTemplate"/, fn: 'set when truthy' },
  { value: 'singleuser.storage.dynamic.volumeNameTemplate', trait: 'KubeSpawner.volumes|volume_mounts', probe: /"singleuser\.storage\.dynamic\.volumeNameTemplate"/, fn: 'volume name' },
  { value: 'singleuser.storage.homeMountPath', trait: 'KubeSpawner.volume_mounts', probe: /"singleuser\.storage\.homeMountPath"/, fn: 'mount path' },
  { value: 'singleuser.storage.static.pvcName', trait: 'KubeSpawner.volumes', probe: /"singleuser\.storage\.static\.pvcName"/, fn: 'claim name' },
  { value: 'singleuser.storage.static.subPath', trait: 'KubeSpawner.volume_mounts', probe: /"singleuser\.storage\.static\.subPath"/, fn: 'subPath' },
  { value: 'singleuser.storage.dynamic.subPath', trait: 'KubeSpawner.volume_mounts', probe: /"singleuser\.storage\.dynamic\.subPath"/, fn: 'subPath' },
  { value: 'singleuser.storage.extraVolumes', trait: 'KubeSpawner.volumes', probe: /"singleuser\.storage\.extraVolumes"/, fn: 'list or dict' },
  { value: 'singleuser.storage.extraVolumeMounts', trait: 'KubeSpawner.volume_mounts', probe: /"singleuser\.storage\.extraVolumeMounts"/, fn: 'list or dict' },
  { value: 'singleuser.extraFiles', trait: 'KubeSpawner.volumes|volume_mounts', probe: /"singleuser\.extraFiles"/, fn: 'files from the singleuser Secret' },
  { value: 'singleuser.cloudMetadata.blockWithIptables', trait: 'KubeSpawner.init_containers', probe: /"blockWithIptables"/, fn: 'privileged iptables init container (0.10.x read other keys and did not block by default)' },
  { value: 'singleuser.cloudMetadata.ip', trait: 'KubeSpawner.init_containers', probe: /cloud_metadata(\.get\(|\[)"ip"/, fn: 'blocked IP' },
  { value: 'singleuser.networkTools.image', trait: 'KubeSpawner.init_containers', probe: /"singleuser\.networkTools\.image/, fn: 'image of the iptables init container' },
  { value: 'debug.enabled', trait: 'JupyterHub.log_level', probe: /"debug\.enabled"/, fn: 'DEBUG' },
  { value: 'debug.enabled', trait: 'Spawner.debug', probe: /"debug\.enabled"/, fn: 'True' },
  { value: 'cull.enabled', trait: 'JupyterHub.services|load_roles', probe: /"cull\.enabled"/, fn: 'jupyterhub-idle-culler service (+ role from 2.0.0)' },
  { value: 'nameOverride', trait: 'KubeSpawner.common_labels', probe: /"nameOverride"/, fn: 'app label' },
];

function stripPyComments(src) {
  return src.split('\n').map((line) => {
    let q = null;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) { if (ch === '\\') i++; else if (ch === q) q = null; }
      else if (ch === '"' || ch === "'") q = ch;
      else if (ch === '#') return line.slice(0, i);
    }
    return line;
  }).join('\n');
}
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const lineOf = (src, idx) => src.slice(0, idx).split('\n').length;

function extractTraitmap(rawSrc) {
  const src = stripPyComments(rawSrc); // same length per line -> same line numbers
  const out = [];
  const push = (value, trait, how, idx) => out.push({ value, trait, how, line: lineOf(src, idx) });
  let m;
  const reSet = /set_config_if_not_none\(\s*c\.(\w+)\s*,\s*["'](\w+)["']\s*,\s*["']([\w.]+)["']\s*,?\s*\)/g;
  while ((m = reSet.exec(src))) push(m[3], `${m[1]}.${m[2]}`, 'set', m.index);
  const reDirect = /c\.(\w+)\.(\w+)\s*=\s*(?:bytes\.fromhex\()?\s*get_config\(\s*["']([\w.]+)["']\s*\)/g;
  while ((m = reDirect.exec(src))) push(m[3], `${m[1]}.${m[2]}`, 'direct', m.index);
  // loops: for trait, cfg_key in <NAME | (tuple) [+ ...]>:  ... set_config_if_not_none(c.X, trait, "prefix" + cfg_key)
  const named = new Map();
  const reAssign = /^(\w+)\s*=\s*\(/gm;
  while ((m = reAssign.exec(src))) named.set(m[1], balanced(src, m.index + m[0].length - 1));
  const reFor = /^([ \t]*)for\s+trait\s*,\s*cfg_key\s+in\s+/gm;
  while ((m = reFor.exec(src))) {
    const indent = m[1].length;
    let i = m.index + m[0].length, depth = 0, expr = '';
    for (; i < src.length; i++) {
      const ch = src[i];
      if (ch === '(') depth++; else if (ch === ')') depth--;
      else if (ch === ':' && depth === 0) break;
      expr += ch;
    }
    // body = following lines indented deeper than the for
    const rest = src.slice(i + 1).split('\n');
    const body = [];
    for (const ln of rest.slice(1)) { if (ln.trim() && (ln.length - ln.trimStart().length) <= indent) break; body.push(ln); }
    const bodyText = body.join('\n');
    const call = /set_config_if_not_none\(\s*c\.(\w+)\s*,\s*trait\s*,\s*["']([\w.]*)["']\s*\+\s*cfg_key\s*\)/.exec(bodyText);
    if (!call) continue;
    let pairsText = '';
    for (const part of splitTopLevelPlus(expr)) {
      const p = part.trim();
      pairsText += named.has(p) ? named.get(p) : p;
    }
    const rePair = /\(\s*["'](\w+)["']\s*,\s*(None|["']([\w.]+)["'])\s*,?\s*\)/g;
    let q;
    while ((q = rePair.exec(pairsText))) {
      const key = q[2] === 'None' ? camel(q[1]) : q[3];
      const at = src.indexOf(q[0]);
      push(call[2] + key, `${call[1]}.${q[1]}`, 'set', at >= 0 ? at : m.index);
    }
  }
  const seen = new Set();
  return out.filter((e) => { const k = `${e.value}|${e.trait}`; if (seen.has(k)) return false; seen.add(k); return true; });
}
function balanced(src, openIdx) {
  let depth = 0;
  for (let i = openIdx; i < src.length; i++) {
    if (src[i] === '(') depth++; else if (src[i] === ')') { depth--; if (depth === 0) return src.slice(openIdx, i + 1); }
  }
  return src.slice(openIdx);
}
function splitTopLevelPlus(expr) {
  const parts = []; let depth = 0, cur = '';
  for (const ch of expr) {
    if (ch === '(') depth++; else if (ch === ')') depth--;
    if (ch === '+' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

// ---------------------------------------------------------------- output helpers
// JSON with small containers kept on one line (diff-friendly and compact).
function fmt(v, indent = '') {
  const flat = JSON.stringify(v);
  if (flat === undefined) return 'null';
  if (v === null || typeof v !== 'object' || flat.length + indent.length <= 110) return flat;
  const ind = `${indent} `;
  if (Array.isArray(v)) return `[\n${v.map((x) => ind + fmt(x, ind)).join(',\n')}\n${indent}]`;
  const ents = Object.entries(v).filter(([, x]) => x !== undefined);
  return `{\n${ents.map(([k, x]) => `${ind}${JSON.stringify(k)}: ${fmt(x, ind)}`).join(',\n')}\n${indent}}`;
}
const written = [];
function writeJson(name, obj) {
  mkdirSync(OUT_DIR, { recursive: true });
  const p = join(OUT_DIR, name);
  const text = `${fmt(obj)}\n`;
  writeFileSync(p, text);
  written.push([p, Buffer.byteLength(text)]);
}
const jhMinor = (app) => { const m = /^(\d+)\.(\d+)/.exec(String(app ?? '')); return m ? `${m[1]}.${m[2]}` : null; };
const docBase = (label) => `${DOC_ROOT}/${label === 'main' ? 'latest' : label === DEFAULT_VERSION ? 'stable' : label}/resources/reference.html`;

// ---------------------------------------------------------------- main
const releases = scan.map(loadRelease);
const byLabel = new Map(releases.map((r) => [r.label, r]));
const PRE_STRICT = (label) => label !== 'main' && cmpVer(label, '1.0.0') < 0;

for (const r of releases) {
  r.node = r.schema ? toNode(r.schema, r.schema) : null;
  const kt = newKT();
  if (r.node) addSchemaToKT(r.node, kt);
  // Before 1.0.0 the schema only documented part of the keys: add the values.yaml key tree.
  if (PRE_STRICT(r.label) || !r.node) addValuesToKT(r.values, kt);
  r.notes = notesConditions(show(r.commit, 'jupyterhub/templates/NOTES.txt'));
  // keys NOTES.txt only deprecates are still honoured; keys it fails on are gone
  for (const p of r.notes.dep) ktEnsure(kt, p);
  for (const p of r.notes.fail) ktDelete(kt, p);
  r.kt = finishKT(kt, !PRE_STRICT(r.label) && !!r.node);
  r.paths = keyPaths(r.kt);
  r.from = r.node ? (PRE_STRICT(r.label) ? `${r.schemaFile} + jupyterhub/values.yaml` : r.schemaFile) : 'jupyterhub/values.yaml';
}
if (unknownKeywords.size) console.warn(`note: ignored schema keywords: ${[...unknownKeywords].join(', ')}`);

// added: start of the contiguous run (in scan order) that ends at `label`.
function addedFor(label) {
  const idx = labelOrder.get(label);
  return (path) => {
    if (!releases[idx].paths.has(path)) return undefined;
    let i = idx;
    while (i > 0 && releases[i - 1].paths.has(path)) i--;
    return releases[i].label;
  };
}

// ---- catalogues
const summary = [];
const versionsOut = [];
const store = newNodeStore();
const schemaReleases = {};
for (const label of [...catalogVersions.filter((v) => v !== 'main'), 'main']) {
  const r = byLabel.get(label);
  if (!r.node) { console.warn(`skip ${label}: no schema`); continue; }
  const root = structuredClone(r.node);
  const doc = docBase(label);
  attachDefaults(root, r.values);
  attachDocs(root, doc);
  attachAdded(root, '', addedFor(label));
  for (const p of r.notes.fail) {
    let n = root;
    for (const seg of p.split('.')) n = n && branches(n).map((b) => b.p?.[seg]).find(Boolean);
    if (n) { n.fail = true; delete n.added; }
  }
  const id = store.put(root);
  // the loader's decoding must give this very tree back
  const tree = canonical(root);
  if (canonical(decodeNode(store.nodes, id, doc)) !== tree) throw new Error(`the stored schema of ${label} does not decode to itself`);
  schemaReleases[label] = { root: id, doc };
  const app = r.chart.appVersion != null ? String(r.chart.appVersion) : null;
  const c = countNodes(root);
  const lines = schemaLines(r.schema);
  summary.push({ version: label, ...c, lines: lines.length });
  versionsOut.push({
    chart: label, file: label, appVersion: app, jupyterhub: jhMinor(app), kubeVersion: r.chart.kubeVersion ?? null, commit: r.commit, date: r.date, paths: c.paths,
    fp: { paths: sha16(lines.join('\n')), n: lines.length, tree: sha16(tree) },
  });
}
writeJson('schemas.json', {
  schema: 2,
  upstream: UPSTREAM,
  note: 'values schema of every catalogued chart release, hash-consed: see scripts/gen-z2jh.mjs',
  releases: schemaReleases,
  nodes: store.nodes,
});
// per-version files of the old layout
for (const f of readdirSync(OUT_DIR)) {
  if (/^(\d+\.\d+\.\d+|main)\.json$/.test(f)) { unlinkSync(join(OUT_DIR, f)); console.log(`  removed ${join(OUT_DIR, f)} (old layout)`); }
}

// ---- index
function releaseFacts(r) {
  const app = r.chart.appVersion != null ? String(r.chart.appVersion) : null;
  const pins = requirementPins(show(r.commit, 'images/hub/requirements.txt'));
  const py = [...(show(r.commit, 'images/hub/Dockerfile') ?? '').matchAll(/^FROM\s+python:(\d+\.\d+)/gm)].map((m) => m[1]).pop();
  return {
    appVersion: app, jupyterhub: jhMinor(app), kubeVersion: r.chart.kubeVersion ?? null, date: r.date, schema: r.schemaFile ?? null,
    commit: r.commit.slice(0, 12), ...(py ? { python: py } : {}), pins,
  };
}
writeJson('index.json', {
  schema: 2,
  upstream: UPSTREAM,
  default: DEFAULT_VERSION,
  versions: versionsOut,
  releases: Object.fromEntries(releases.map((r) => [r.label, releaseFacts(r)])),
});

// ---- history
const checkpoints = [];
{
  const pick = (pred) => finals.filter(pred);
  const last = (arr) => arr[arr.length - 1];
  const byMinor = new Map();
  for (const t of finals) { const [M, m] = parseVer(t); const k = `${M}.${m}`; if (!byMinor.has(k)) byMinor.set(k, []); byMinor.get(k).push(t); }
  for (const [k, arr] of byMinor) if (k.startsWith('0.')) checkpoints.push(k === '0.9' ? arr[0] : last(arr));
  const majors = [...new Set(finals.map((t) => parseVer(t)[0]))].filter((M) => M >= 1);
  for (const M of majors) {
    const ofMajor = pick((t) => parseVer(t)[0] === M);
    const firstOf = ofMajor[0];
    checkpoints.push(firstOf);
    if (M === 1) { // newest of every 1.x minor
      for (const [k, arr] of byMinor) if (k.startsWith('1.') && last(arr) !== firstOf) checkpoints.push(last(arr));
    } else if (last(ofMajor) !== firstOf) checkpoints.push(last(ofMajor));
  }
  checkpoints.push('main');
}
const diff = (a, b) => ({
  added: topmost([...b.paths].filter((p) => !a.paths.has(p) && !ktAccepts(a.kt, p))),
  removed: topmost([...a.paths].filter((p) => !ktAccepts(b.kt, p))),
  closed: !PRE_STRICT(a.label) ? [...b.paths].filter((p) => a.paths.has(p) && ktGet(a.kt, p).open && !ktGet(b.kt, p).open && ktGet(b.kt, p).obj).sort() : [],
});
const steps = [];
for (let i = 1; i < checkpoints.length; i++) {
  const a = byLabel.get(checkpoints[i - 1]), b = byLabel.get(checkpoints[i]);
  const d = diff(a, b);
  steps.push({ from: a.label, to: b.label, added: d.added, removed: d.removed, ...(d.closed.length ? { closed: d.closed } : {}),
    ...(b.notes.fail.size ? { fails: [...b.notes.fail].sort() } : {}) });
}
const removedAll = [];
for (let i = 1; i < releases.length; i++) {
  for (const p of diff(releases[i - 1], releases[i]).removed) removedAll.push({ path: p, last: releases[i - 1].label, in: releases[i].label });
}
writeJson('history.json', {
  schema: 1,
  note: 'paths: dotted keys, "*" = patternProperties key, "[]" = array items; topmost paths only. Releases before 1.0.0 use schema + values.yaml keys.',
  scanned: releases.map((r) => ({ version: r.label, commit: r.commit.slice(0, 12), from: r.from })),
  checkpoints,
  steps,
  removed: removedAll,
});

// ---- traitmap
const tmFirst = new Map(); // key -> {since, until, entry}
function templatesHave(r, literal) {
  try { git('grep', '-q', '-F', '-e', literal, r.commit, '--', 'jupyterhub/templates'); return true; } catch { return false; }
}
for (const r of releases) {
  const src = show(r.commit, CONFIG_PY);
  if (src == null) continue;
  r.traitmap = extractTraitmap(src);
  r.configSrc = src;
}
const mainRel = byLabel.get('main');
const traitmap = [];
{
  const present = (r, key) => r.traitmap && r.traitmap.some((e) => `${e.value}|${e.trait}` === key);
  const keys = new Map();
  for (const r of releases) for (const e of r.traitmap ?? []) { const k = `${e.value}|${e.trait}`; if (!keys.has(k)) keys.set(k, e); }
  for (const [k, e] of keys) {
    const idxs = releases.map((r, i) => (present(r, k) ? i : -1)).filter((i) => i >= 0);
    const lastIdx = idxs[idxs.length - 1];
    let start = lastIdx;
    while (start > 0 && present(releases[start - 1], k)) start--;
    const atMain = present(mainRel, k);
    const mainE = atMain ? mainRel.traitmap.find((x) => `${x.value}|${x.trait}` === k) : null;
    traitmap.push({
      value: e.value, trait: e.trait, since: releases[start].label,
      ...(atMain ? {} : { until: releases[lastIdx].label }),
      how: e.how,
      ...(mainE ? { at: `${CONFIG_PY.replace('jupyterhub/', '')}:${mainE.line}` } : {}),
    });
  }
  const norm = (r) => (r.normSrc ??= (r.configSrc ?? '').replace(/'/g, '"'));
  for (const m of MANUAL_TRAITMAP) {
    const has = (r) => m.probe.test(norm(r)) || (m.tprobe ? templatesHave(r, m.tprobe) : false);
    if (!has(mainRel)) { console.warn(`manual traitmap probe not found at main: ${m.value}`); continue; }
    let i = releases.length - 1;
    while (i > 0 && has(releases[i - 1])) i--;
    const hit = m.probe.exec(norm(mainRel));
    const at = hit ? `${CONFIG_PY.replace('jupyterhub/', '')}:${lineOf(mainRel.configSrc, hit.index)}` : undefined;
    traitmap.push({ value: m.value, trait: m.trait, since: releases[i].label, how: 'manual', ...(at ? { at } : {}), via: m.fn });
  }
  traitmap.sort((a, b) => (a.until ? 1 : 0) - (b.until ? 1 : 0) || a.value.localeCompare(b.value) || a.trait.localeCompare(b.trait));
}
writeJson('traitmap.json', traitmap);

// ---- report
console.log(`z2jh: ${releases.length} refs scanned (${finals[0]} .. ${finals[finals.length - 1]}, main=${mainRel.commit.slice(0, 12)}); default ${DEFAULT_VERSION}`);
for (const s of summary) console.log(`  ${s.version.padEnd(6)} nodes=${s.nodes} property-paths=${s.paths} fingerprint-lines=${s.lines} closed=${s.closed} open=${s.open}`);
console.log(`  schemas.json: ${Object.keys(schemaReleases).length} releases, ${store.nodes.length} distinct nodes`);
console.log(`  traitmap entries: ${traitmap.length} (${traitmap.filter((e) => e.how !== 'manual').length} scanned, ${traitmap.filter((e) => e.until).length} historical)`);
for (const [p, n] of written) console.log(`  wrote ${p} (${n} bytes)`);
