#!/usr/bin/env node
// Generate the fact table of what the z2jh chart's own hub config script does, per chart release.
//
// Usage:
//   node scripts/gen-z2jh-script.mjs [--git-dir] <path/to/zero-to-jupyterhub-k8s(.git)> [--out <repo root>]
//        [--main-ref main]
//
// Reads, per final release tag >= 1.0.0 and the main ref, with `git show`:
//   jupyterhub/files/hub/jupyterhub_config.py   (the script the hub runs as its config file)
//   jupyterhub/files/hub/z2jh.py                (its helpers: get_config, set_config_if_not_none)
//
// Writes server/catalog/z2jh/script.json (facts only, no upstream code or prose):
//   { "schema": 1, "upstream": ..., "scripts": [Facts, ...],
//     "releases": { "<chart>": { "s": <index into scripts>, "commit": <12 hex>, "fp": <16 hex> } } }
//   Releases whose facts are the same share one Facts entry. fp = sha256 (first 16 hex) of the two
//   source files (config script, NUL, z2jh.py), so a test with the upstream git dir can tell that
//   the stored facts were made from that source (test/z2jh.script.test.ts).
//
// Facts = {
//   order: [stage, ...]        the order the script applies things, each stage overriding the
//                              previous ones: "chart" (traits set from chart keys, services and roles
//                              registered), "hub.config" (each section merged with c[Class].update,
//                              i.e. a trait given there replaces the chart's value), "config.d" (the
//                              image's jupyterhub_config.d/*.py, sorted), "hub.extraConfig" (each
//                              snippet executed as Python)
//   extraConfigSorted: bool    hub.extraConfig snippets run in sorted key order
//   hubConfigDropped: { Class: [trait] }   hub.config entries the script removes before merging
//                              (they never take effect)
//   traits: [{ key, trait, how, when? }]
//                              chart key -> trait: how "set" (only when the value is not null),
//                              "direct" (always assigned, null included); `when` = the chart keys
//                              whose truth guards the assignment ("!key" = guarded by its falsity)
//   fills: [{ trait, op, when? }]
//                              list/dict traits the script itself fills (op "=" then "append",
//                              "extend", "update", item set "item="), whatever the chart keys
//   services: [{ name, when?, from? }]     services the script registers (from: "hub.services"
//                              for the entries of that chart key, name = key)
//   roles: [{ name, scopes, services?, when?, extraScopes?: [{scope, when}] , from? }]
//                              roles the script registers with c.JupyterHub.load_roles
// }
//
// Requires nothing beyond node and git.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const UPSTREAM = 'jupyterhub/zero-to-jupyterhub-k8s';
const CONFIG_PY = 'jupyterhub/files/hub/jupyterhub_config.py';
const Z2JH_PY = 'jupyterhub/files/hub/z2jh.py';

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

const git = (gitDir, ...a) => execFileSync('git', ['--git-dir', gitDir, ...a], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const show = (gitDir, ref, p) => { try { return git(gitDir, 'show', `${ref}:${p}`); } catch { return null; } };
export const sha16 = (text) => createHash('sha256').update(text).digest('hex').slice(0, 16);
/** The fingerprint of a release's relevant source (see the header). */
export const sourceFingerprint = (configPy, z2jhPy) => sha16(`${configPy}\0${z2jhPy ?? ''}`);

// ---------------------------------------------------------------- reading the script
/** Drops comments, keeping every line's length-prefix (same line numbers). */
function stripComments(src) {
  return src.split('\n').map((line) => {
    let q = null;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (q) { if (ch === '\\') i++; else if (ch === q) q = null; }
      else if (ch === '"' || ch === "'") q = ch;
      else if (ch === '#') return line.slice(0, i).replace(/\s+$/, '');
    }
    return line.replace(/\s+$/, '');
  }).join('\n');
}
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const indentOf = (ln) => ln.length - ln.trimStart().length;

/** Text from an opening bracket to its match. */
function balanced(src, open) {
  const pairs = { '(': ')', '[': ']', '{': '}' };
  const stack = [];
  let q = null;
  for (let i = open; i < src.length; i++) {
    const ch = src[i];
    if (q) { if (ch === '\\') i++; else if (ch === q) q = null; continue; }
    if (ch === '"' || ch === "'") { q = ch; continue; }
    if (pairs[ch]) stack.push(pairs[ch]);
    else if (ch === stack[stack.length - 1]) { stack.pop(); if (!stack.length) return src.slice(open, i + 1); }
  }
  return src.slice(open);
}
function splitTopLevelPlus(expr) {
  const parts = [];
  let depth = 0, cur = '';
  for (const ch of expr) {
    if ('([{'.includes(ch)) depth++; else if (')]}'.includes(ch)) depth--;
    if (ch === '+' && depth === 0) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
const strings = (text) => [...text.matchAll(/["']([^"'\n]*)["']/g)].map((m) => m[1]);

/**
 * The chart keys guarding line `at` (0-based): the conditions of the enclosing `if`/`elif` lines
 * that test get_config("key") ("!key" when negated with `not`); an `else` branch negates the `if`.
 */
function guardsOf(lines, at) {
  const out = [];
  let ind = indentOf(lines[at]);
  for (let i = at - 1; i >= 0 && ind > 0; i--) {
    const ln = lines[i];
    if (!ln.trim()) continue;
    const d = indentOf(ln);
    if (d >= ind) continue;
    ind = d;
    const t = ln.trim();
    let neg = false, cond = null;
    if (/^else\s*:/.test(t)) {
      // find the matching if at the same indent
      for (let j = i - 1; j >= 0; j--) {
        const u = lines[j];
        if (!u.trim() || indentOf(u) > d) continue;
        if (indentOf(u) < d) break;
        if (/^(if|elif)\s/.test(u.trim())) { cond = u.trim(); neg = true; break; }
      }
    } else if (/^(if|elif)\s/.test(t)) cond = t;
    if (!cond) continue;
    const m = /^(?:if|elif)\s+(not\s+)?get_config\(\s*["']([\w.]+)["']/.exec(cond);
    if (m) out.unshift(((!!m[1]) !== neg ? '!' : '') + m[2]);
    else {
      const m2 = /get_config\(\s*["']([\w.]+)["']/.exec(cond);
      if (m2) out.unshift(`${neg ? '!' : ''}${m2[1]}?`); // a condition on the key, not plain truth
    }
  }
  return out;
}
const lineAt = (src, idx) => src.slice(0, idx).split('\n').length - 1;
const withWhen = (o, when) => (when.length ? { ...o, when } : o);

export function extractFacts(raw) {
  const src = stripComments(raw);
  const lines = src.split('\n');
  const traits = [];
  const seenT = new Set();
  const pushT = (key, trait, how, idx) => {
    const k = `${key}|${trait}`;
    if (seenT.has(k)) return;
    seenT.add(k);
    traits.push(withWhen({ key, trait, how }, guardsOf(lines, lineAt(src, idx))));
  };
  let m;
  const reSet = /set_config_if_not_none\(\s*c\.(\w+)\s*,\s*["'](\w+)["']\s*,\s*["']([\w.]+)["']\s*,?\s*\)/g;
  while ((m = reSet.exec(src))) pushT(m[3], `${m[1]}.${m[2]}`, 'set', m.index);
  const reDirect = /^[ \t]*c\.(\w+)\.(\w+)\s*=\s*(?:bytes\.fromhex\()?\s*get_config\(\s*["']([\w.]+)["']\s*[,)]/gm;
  while ((m = reDirect.exec(src))) pushT(m[3], `${m[1]}.${m[2]}`, 'direct', m.index);
  // for trait, cfg_key in (<pairs>): ... set_config_if_not_none(c.X, trait, "prefix" + cfg_key)
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
    const body = [];
    for (const ln of src.slice(i + 1).split('\n').slice(1)) { if (ln.trim() && indentOf(ln) <= indent) break; body.push(ln); }
    const call = /set_config_if_not_none\(\s*c\.(\w+)\s*,\s*trait\s*,\s*["']([\w.]*)["']\s*\+\s*cfg_key\s*\)/.exec(body.join('\n'));
    if (!call) continue;
    let pairsText = '';
    for (const part of splitTopLevelPlus(expr)) pairsText += named.get(part.trim()) ?? part.trim();
    const rePair = /\(\s*["'](\w+)["']\s*,\s*(None|["']([\w.]+)["'])\s*,?\s*\)/g;
    let q;
    while ((q = rePair.exec(pairsText))) pushT(call[2] + (q[2] === 'None' ? camel(q[1]) : q[3]), `${call[1]}.${q[1]}`, 'set', m.index);
  }

  // list/dict traits the script fills itself
  const fills = [];
  const seenF = new Set();
  const reFill = /^[ \t]*(?:\w+\s*=\s*)?c\.(\w+)\.(\w+)(\s*=(?!=)|\s*\+=|\.append\(|\.extend\(|\.update\(|\[[^\]]+\]\s*=(?!=))/gm;
  while ((m = reFill.exec(src))) {
    const op = m[3].includes('+=') ? '+=' : m[3].startsWith('[') ? 'item=' : m[3].includes('(') ? m[3].slice(1, -1) : '=';
    const rhs = src.slice(m.index + m[0].length).trimStart();
    if (op === '=' && !/^(\[|\{|\w+\s*$|\w+\n)/.test(rhs)) continue; // only containers (literal or a built local)
    if (op === '=' && /^\w+/.test(rhs) && !/^\w+\s*(\n|$)/.test(rhs)) continue;
    if (op === '=' && /^(True|False|None)\b/.test(rhs)) continue;
    const trait = `${m[1]}.${m[2]}`;
    const when = guardsOf(lines, lineAt(src, m.index));
    const k = `${trait}|${op}|${when.join(',')}`;
    if (seenF.has(k)) continue;
    seenF.add(k);
    fills.push(withWhen({ trait, op }, when));
  }

  // services appended by the script
  const services = [];
  const reSvc = /c\.JupyterHub\.services\.append\(/g;
  while ((m = reSvc.exec(src))) {
    const arg = balanced(src, m.index + m[0].length - 1);
    const name = /["']name["']\s*:\s*["']([\w.-]+)["']/.exec(arg);
    const when = guardsOf(lines, lineAt(src, m.index));
    if (name) services.push(withWhen({ name: name[1] }, when));
    else {
      const loop = /for\s+\w+\s*,\s*\w+\s+in\s+get_config\(\s*["']([\w.]+)["']/.exec(lines.slice(0, lineAt(src, m.index)).reverse().find((l) => /^\s*for\s/.test(l)) ?? '');
      if (loop) services.push({ from: loop[1] });
    }
  }
  // roles: c.JupyterHub.load_roles.append(<var or dict>)
  const roles = [];
  const reRole = /c\.JupyterHub\.load_roles\.append\(\s*(\w+)?/g;
  while ((m = reRole.exec(src))) {
    const at = lineAt(src, m.index);
    const when = guardsOf(lines, at);
    const v = m[1];
    const def = v ? new RegExp(`^[ \\t]*${v}\\s*=\\s*\\{`, 'm').exec(src) : null;
    if (def && lineAt(src, def.index) < at) {
      const body = balanced(src, def.index + def[0].length - 1);
      const name = /["']name["']\s*:\s*["']([\w.-]+)["']/.exec(body);
      const field = (f) => { const x = new RegExp(`["']${f}["']\\s*:\\s*\\[`).exec(body); return x ? strings(balanced(body, x.index + x[0].length - 1)) : undefined; };
      const extra = [];
      const reX = new RegExp(`${v}\\[["']scopes["']\\]\\.append\\(\\s*["']([^"']+)["']`, 'g');
      let x;
      while ((x = reX.exec(src))) extra.push({ scope: x[1], when: guardsOf(lines, lineAt(src, x.index)) });
      const r = { name: name ? name[1] : v, scopes: field('scopes') ?? [] };
      const svcs = field('services');
      if (svcs) r.services = svcs;
      if (when.length) r.when = when;
      if (extra.length) r.extraScopes = extra;
      roles.push(r);
    } else {
      const loop = /for\s+\w+\s*,\s*\w+\s+in\s+get_config\(\s*["']([\w.]+)["']/.exec(lines.slice(0, at).reverse().find((l) => /^\s*for\s/.test(l)) ?? '');
      if (loop) roles.push({ from: loop[1] });
    }
  }

  // hub.config: entries dropped before the merge
  const hubConfigDropped = {};
  const hc = /^for\s+(\w+)\s*,\s*(\w+)\s+in\s+get_config\(\s*["']hub\.config["']/m.exec(src);
  if (hc) {
    const start = lineAt(src, hc.index);
    let cls = null;
    for (let i = start + 1; i < lines.length; i++) {
      const ln = lines[i];
      if (ln.trim() && indentOf(ln) === 0) break;
      const sec = new RegExp(`^\\s*(?:if|elif)\\s+${hc[1]}\\s*==\\s*["'](\\w+)["']`).exec(ln);
      if (sec) { cls = sec[1]; continue; }
      const pop = new RegExp(`${hc[2]}\\.pop\\(\\s*["'](\\w+)["']`).exec(ln);
      if (pop && cls) (hubConfigDropped[cls] ??= []).push(pop[1]);
    }
  }

  // order of the stages
  const pos = [];
  if (hc) pos.push(['hub.config', hc.index]);
  const cd = /^config_dir\s*=|jupyterhub_config\.d/m.exec(src);
  if (cd) pos.push(['config.d', cd.index]);
  const ec = /^for\s+\w+\s*,\s*\w+\s+in\s+(sorted\()?\s*(get_config\(\s*["']hub\.extraConfig["']|extra_config)/m.exec(src);
  if (ec) pos.push(['hub.extraConfig', ec.index]);
  pos.sort((a, b) => a[1] - b[1]);
  const order = ['chart', ...pos.map((p) => p[0])];

  return { order, extraConfigSorted: !!(ec && ec[1]), hubConfigDropped, traits, fills, services, roles };
}

// ---------------------------------------------------------------- main
function canonical(v) {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args['git-dir']) {
    console.error('usage: node scripts/gen-z2jh-script.mjs [--git-dir] <z2jh git dir> [--out <repo root>] [--main-ref main]');
    process.exit(2);
  }
  const gitDir = resolve(args['git-dir']);
  const outRoot = resolve(args.out ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const parseVer = (v) => (/^\d+\.\d+\.\d+$/.test(v) ? v.split('.').map(Number) : null);
  const cmp = (a, b) => { const x = parseVer(a), y = parseVer(b); for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i]; return 0; };
  const tags = git(gitDir, 'tag', '--list').split('\n').map((s) => s.trim()).filter((t) => parseVer(t) && parseVer(t)[0] >= 1).sort(cmp);
  let mainRef = args['main-ref'];
  if (!mainRef) { try { git(gitDir, 'rev-parse', 'main^{commit}'); mainRef = 'main'; } catch { mainRef = 'HEAD'; } }
  const refs = [...tags.map((t) => [t, t]), ['main', mainRef]];
  const scripts = [];
  const byKey = new Map();
  const releases = {};
  for (const [label, ref] of refs) {
    const commit = git(gitDir, 'rev-parse', `${ref}^{commit}`).trim();
    const cfg = show(gitDir, commit, CONFIG_PY);
    if (cfg == null) { console.warn(`${label}: no ${CONFIG_PY}`); continue; }
    const z = show(gitDir, commit, Z2JH_PY);
    const facts = extractFacts(cfg);
    const key = canonical(facts);
    let s = byKey.get(key);
    if (s === undefined) { s = scripts.length; scripts.push(facts); byKey.set(key, s); }
    releases[label] = { s, commit: commit.slice(0, 12), fp: sourceFingerprint(cfg, z) };
  }
  const out = { schema: 1, upstream: UPSTREAM, source: [CONFIG_PY, Z2JH_PY], scripts, releases };
  const file = join(outRoot, 'server', 'catalog', 'z2jh', 'script.json');
  writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
  console.log(`script.json: ${Object.keys(releases).length} releases, ${scripts.length} distinct fact sets`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
