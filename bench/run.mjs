#!/usr/bin/env node
// Latency benchmark of the real language server (dist/server.js over stdio) against the floor:
// a bare tree-sitter parse of the same text in this process. See docs/performance.md.
//
//   node bench/run.mjs [--quick] [--only KIND|NAME] [--keep]
//
// Needs the bundles (dist/) and the tsc output (out/): `npm run bench` builds both first.
// Speed is reported, never asserted: the exit status is non-zero only when the server crashed
// or stopped answering.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeRng, realisticPython, generatedStylePython, realisticValues } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));

// ---------------------------------------------------------------------------------------------
// options

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log('usage: node bench/run.mjs [--quick] [--only KIND|NAME] [--keep]\n  --quick  fewer iterations\n  --only   run only the cases of that kind (python) or whose name contains NAME\n  --keep   keep the generated files in the temp dir');
  process.exit(0);
}
const QUICK = argv.includes('--quick');
const KEEP = argv.includes('--keep');
const onlyIdx = argv.indexOf('--only');
const ONLY = onlyIdx >= 0 ? argv[onlyIdx + 1] : undefined;
if (onlyIdx >= 0 && !ONLY) {
  console.error('--only needs a value (a kind such as "python", or part of a case name)');
  process.exit(2);
}

/**
 * Iteration budgets: at least minRuns and minMs, at most maxRuns or maxMs. A warm-up (same shape,
 * not recorded) comes first: V8 compiles wasm with its baseline compiler and tiers hot functions up
 * while they run, and the JavaScript of the walker is jitted the same way, so the first iterations
 * of a fresh process are several times slower than the steady state (which is what an editor sees
 * after the first file; the first open and the cold start are reported separately).
 */
const BUDGET = QUICK
  ? {
      parse: { minRuns: 3, minMs: 200, maxRuns: 50, maxMs: 3000 },
      parseWarmup: { minRuns: 2, minMs: 100, maxRuns: 20, maxMs: 1000 },
      open: { minRuns: 5, minMs: 200, maxRuns: 20, maxMs: 5000 },
      openWarmup: { minRuns: 2, minMs: 200, maxRuns: 20, maxMs: 2000 },
      edit: { minRuns: 10, minMs: 200, maxRuns: 40, maxMs: 5000 },
      editWarmup: { minRuns: 2, minMs: 100, maxRuns: 20, maxMs: 1000 },
      cold: 3,
    }
  : {
      parse: { minRuns: 5, minMs: 1000, maxRuns: 200, maxMs: 10000 },
      parseWarmup: { minRuns: 5, minMs: 500, maxRuns: 50, maxMs: 3000 },
      open: { minRuns: 10, minMs: 1500, maxRuns: 100, maxMs: 20000 },
      openWarmup: { minRuns: 3, minMs: 1000, maxRuns: 40, maxMs: 5000 },
      edit: { minRuns: 20, minMs: 1500, maxRuns: 200, maxMs: 20000 },
      editWarmup: { minRuns: 4, minMs: 500, maxRuns: 40, maxMs: 5000 },
      cold: 5,
    };
/** The trap parse (seconds per run) is measured at most this often. */
const TRAP_RUNS = QUICK ? 1 : 3;
/** Longest wait for one publishDiagnostics before the server is declared hung. */
const WAIT_MS = 60_000;
/**
 * The server's settings (answers to workspace/configuration). Reading trait docs from an installed
 * JupyterHub runs a Python helper in the background (once per interpreter and set of classes): it
 * would measure Python's start-up and compete for the CPU with the runs, so it is off.
 */
const SERVER_SETTINGS = { pythonInterpreter: 'off' };

// ---------------------------------------------------------------------------------------------
// the file set: a list of cases with a kind and a deterministic generator. z2jh values files
// (kind "yaml", fileName "values.yaml", languageId "yaml") slot in here with a generator and a
// FLOORS.yaml entry. Flags: coldStart (the file of the cold-start runs), target20 (the "under 20 ms
// after open" target), memory (the RSS target), trap (the raw parse is measured only TRAP_RUNS times).

const CASES = [
  { name: 'config-100', kind: 'python', fileName: 'jupyterhub_config.py', languageId: 'python', seed: 100, generate: (r) => realisticPython(r, 100) },
  { name: 'config-1k', kind: 'python', fileName: 'jupyterhub_config.py', languageId: 'python', seed: 1000, generate: (r) => realisticPython(r, 1000), coldStart: true, target20: true },
  { name: 'config-10k', kind: 'python', fileName: 'jupyterhub_config.py', languageId: 'python', seed: 10000, generate: (r) => realisticPython(r, 10000), memory: true },
  // `jupyterhub --generate-config` output: the raw parse is tree-sitter-python's slow path
  { name: 'generated', kind: 'python', fileName: 'jupyterhub_config.py', languageId: 'python', seed: 2500, generate: (r) => generatedStylePython(r, 2500), trap: true },
  // z2jh values with hub.extraConfig Python (about a third of the lines)
  { name: 'values-1k', kind: 'yaml', fileName: 'values.yaml', languageId: 'yaml', seed: 1001, generate: (r) => realisticValues(r, 1000) },
  { name: 'values-10k', kind: 'yaml', fileName: 'values.yaml', languageId: 'yaml', seed: 10001, generate: (r) => realisticValues(r, 10000) },
];

/**
 * The floor per kind: `load()` returns { bare(text) → ms, neutralise?(text) → text }. bare() is
 * the parse a minimal tool would have to do anyway; neutralise() is the server's own
 * pre-processing, when it has one, whose output is then parsed by bare() as well.
 */
const FLOORS = {
  python: {
    label: 'web-tree-sitter + tree-sitter-python',
    async load() {
      const { Parser, Language } = require('web-tree-sitter');
      const runtime = path.join(BUILD, 'dist', 'web-tree-sitter.wasm');
      await Parser.init({ locateFile: () => runtime });
      const lang = await Language.load(path.join(BUILD, 'dist', 'tree-sitter-python.wasm'));
      const parser = new Parser();
      parser.setLanguage(lang);
      const { lexPython } = require(path.join(ROOT, 'out', 'server', 'src', 'parse', 'python.js'));
      return {
        bare(text) {
          const t0 = performance.now();
          const tree = parser.parse(text);
          const ms = performance.now() - t0;
          if (!tree) throw new Error('tree-sitter returned no tree');
          tree.delete();
          return ms;
        },
        neutralise: (text) => lexPython(text).parseText,
      };
    },
  },
  yaml: {
    label: 'yaml parseAllDocuments',
    async load() {
      const YAML = require('yaml');
      return {
        bare(text) {
          const t0 = performance.now();
          YAML.parseAllDocuments(text);
          return performance.now() - t0;
        },
      };
    },
  },
};

// ---------------------------------------------------------------------------------------------
// helpers

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, p) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
};
const fmt = (ms) => (!Number.isFinite(ms) ? 'n/a' : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
const fmtX = (x) => (!Number.isFinite(x) ? 'n/a' : x < 0.1 ? x.toFixed(3) + '×' : x.toFixed(2) + '×');
const mb = (kb) => (kb === undefined ? 'n/a' : (kb / 1024).toFixed(1));

async function sample(fn, b) {
  const times = [];
  const t0 = performance.now();
  for (;;) {
    times.push(await fn(times.length));
    const el = performance.now() - t0;
    if (times.length >= b.maxRuns) break;
    if (times.length >= b.minRuns && el >= b.minMs) break;
    if (el >= b.maxMs && times.length >= Math.min(b.minRuns, 3)) break;
  }
  return times;
}

function procStatus(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => {
      const m = new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s);
      return m ? Number(m[1]) : undefined;
    };
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return {};
  }
}

function machine() {
  let cpu = os.cpus()[0]?.model?.trim();
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    /* not Linux */
  }
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* not a checkout */
  }
  return {
    cpu: cpu || 'unknown',
    cores: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    memGb: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadStart: os.loadavg()[0].toFixed(2),
    commit,
  };
}

// ---------------------------------------------------------------------------------------------
// the server: the same minimal client the protocol tests use (compiled from test/helpers/lsp.ts)

let LspClient; // loaded from the snapshot of the build (see snapshotBuild)
const started = new Set();
let failure; // first crash or hang

function startServer() {
  const client = new LspClient(['--stdio']);
  const proc = client.proc; // private in TypeScript, plain property at run time
  const entry = { client, pid: client.pid, exited: undefined };
  entry.exit = new Promise((resolve) => proc.on('exit', (code, signal) => resolve((entry.exited = { code, signal }))));
  proc.on('error', (e) => (entry.exited = { error: e.message }));
  started.add(entry);
  return entry;
}

/** Waits for a message, or fails when the server exits or the wait times out. */
async function until(entry, promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS)));
  const died = entry.exit.then((x) => {
    throw new Error(`server (pid ${entry.pid}) exited (code ${x.code}, signal ${x.signal}) while waiting for ${what}; stderr: ${entry.client.stderr.slice(-2000)}`);
  });
  try {
    return await Promise.race([promise, timeout, died]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => undefined);
  }
}

function diagnostics(entry, uri, version) {
  // the client's own timeout is a backstop; until() enforces WAIT_MS
  return entry.client.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === version, WAIT_MS + 5000);
}

async function stopServer(entry) {
  try {
    if (!entry.exited) await entry.client.shutdown();
  } finally {
    if (!entry.exited) killServer(entry);
    started.delete(entry);
  }
}

function killServer(entry) {
  try {
    process.kill(entry.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

let tmpDir; // generated files and the build snapshot
function cleanup() {
  for (const e of started) if (!e.exited) killServer(e);
  started.clear();
  if (tmpDir && !KEEP) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    cleanup();
    process.exit(130);
  });
}

async function initialized() {
  const entry = startServer();
  await until(entry, entry.client.initialize(SERVER_SETTINGS), 'the initialize result');
  return entry;
}

/**
 * The text of the n-th open. The server keeps the models of hub.extraConfig snippets it has parsed
 * (an edit elsewhere does not parse them again), so re-opening the same values text would measure
 * that cache: each open of a YAML case gets a comment line of its own in every block scalar, and
 * every snippet is new to the server, as in a file opened for the first time.
 */
function openText(c, n) {
  if (c.kind !== 'yaml') return c.text;
  const lines = c.text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    if (!/^\s*[^\s#][^:]*:[ \t]*\|[-+0-9]*[ \t]*$/.test(lines[i])) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '');
    if (next) out.push(`${/^\s*/.exec(next)[0]}# open ${n}`);
  }
  return out.join('\n');
}

/** didOpen → publishDiagnostics of that version, under a fresh URI each time; closed afterwards. */
async function openOnce(entry, c, uri, n = 0) {
  const wait = diagnostics(entry, uri, 1);
  const text = openText(c, n);
  const t0 = performance.now();
  entry.client.notify('textDocument/didOpen', { textDocument: { uri, languageId: c.languageId, version: 1, text } });
  const msg = await until(entry, wait, `diagnostics of ${uri}`);
  const ms = performance.now() - t0;
  entry.client.notify('textDocument/didClose', { textDocument: { uri } });
  entry.client.notifications.length = 0;
  return { ms, count: msg.params.diagnostics.length };
}

/** The line nearest the middle that sets a trait (commented out or not), and the column after the trait name. */
function editPoint(text) {
  const lines = text.split('\n');
  const mid = lines.length >> 1;
  const re = /^(\s*(?:#\s*)?c\.[A-Za-z_]\w*\.[A-Za-z_]\w*)\s*[=+]/;
  for (let d = 0; d < lines.length; d++) {
    for (const l of [mid - d, mid + d]) {
      const m = l >= 0 && l < lines.length ? re.exec(lines[l]) : null;
      if (m) return { line: l, character: m[1].length };
    }
  }
  return { line: mid, character: 0 };
}

// ---------------------------------------------------------------------------------------------
// the run

async function runCase(c, floor, dir) {
  const out = { name: c.name, kind: c.kind, target20: !!c.target20, memory: !!c.memory, lines: c.text.split('\n').length - (c.text.endsWith('\n') ? 1 : 0), kb: Buffer.byteLength(c.text) / 1024 };
  process.stdout.write(`${c.name}: ${out.lines} lines, ${out.kb.toFixed(1)} KB\n`);

  // the floor, in this process, while no server is busy
  if (c.trap) {
    out.bare = [];
    for (let i = 0; i < TRAP_RUNS; i++) out.bare.push(floor.bare(c.text));
  } else {
    await sample(() => floor.bare(c.text), BUDGET.parseWarmup);
    out.bare = await sample(() => floor.bare(c.text), BUDGET.parse);
  }
  process.stdout.write(`  bare parse ${fmt(median(out.bare))} ms (${out.bare.length} runs)\n`);
  if (floor.neutralise) {
    const t0 = performance.now();
    const neutral = floor.neutralise(c.text);
    out.lexMs = performance.now() - t0;
    if (neutral !== c.text) {
      await sample(() => floor.bare(neutral), BUDGET.parseWarmup);
      out.neutral = await sample(() => floor.bare(neutral), BUDGET.parse);
      process.stdout.write(`  neutralised parse ${fmt(median(out.neutral))} ms (${out.neutral.length} runs)\n`);
    }
  }

  const entry = await initialized();
  try {
    const base = pathToFileURL(path.join(dir, c.name)).href;
    // open → diagnostics
    let n = 0;
    const uriFor = () => `${base}/open-${n++}/${c.fileName}`;
    // the first open of a fresh server: cold JIT and wasm (reported, not in the median)
    out.firstOpen = (await openOnce(entry, c, uriFor(), n)).ms;
    await sample(async () => (await openOnce(entry, c, uriFor(), n)).ms, BUDGET.openWarmup);
    const opens = [];
    await sample(async () => {
      const r = await openOnce(entry, c, uriFor(), n);
      opens.push(r);
      return r.ms;
    }, BUDGET.open);
    out.open = opens.map((r) => r.ms);
    out.diagnostics = opens[opens.length - 1].count;
    process.stdout.write(`  open→diagnostics ${fmt(median(out.open))} ms (${out.open.length} runs, ${out.diagnostics} diagnostics)\n`);

    // edit → diagnostics: one character typed and removed, alternately, in the middle of the file
    const uri = `${base}/edit/${c.fileName}`;
    const at = editPoint(c.text);
    let version = 1;
    const first = diagnostics(entry, uri, version);
    entry.client.notify('textDocument/didOpen', { textDocument: { uri, languageId: c.languageId, version, text: c.text } });
    await until(entry, first, `diagnostics of ${uri}`);
    const editOnce = async () => {
      version++;
      const insert = version % 2 === 0;
      const end = insert ? at : { line: at.line, character: at.character + 1 };
      const wait = diagnostics(entry, uri, version);
      const t0 = performance.now();
      entry.client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: at, end }, text: insert ? 'x' : '' }] });
      await until(entry, wait, `diagnostics of ${uri} version ${version}`);
      const ms = performance.now() - t0;
      entry.client.notifications.length = 0;
      return ms;
    };
    await sample(editOnce, BUDGET.editWarmup);
    out.edit = await sample(editOnce, BUDGET.edit);
    process.stdout.write(`  edit→diagnostics ${fmt(median(out.edit))} ms (${out.edit.length} runs)\n`);
    entry.client.notify('textDocument/didClose', { textDocument: { uri } });

    Object.assign(out, procStatus(entry.pid));
  } finally {
    await stopServer(entry);
  }
  return out;
}

async function coldStart(c, dir) {
  const init = [];
  const firstDiag = [];
  for (let i = 0; i < BUDGET.cold; i++) {
    const t0 = performance.now();
    const entry = startServer();
    try {
      await until(entry, entry.client.initialize(SERVER_SETTINGS), 'the initialize result');
      init.push(performance.now() - t0);
      const uri = `${pathToFileURL(path.join(dir, 'cold', String(i))).href}/${c.fileName}`;
      const wait = diagnostics(entry, uri, 1);
      entry.client.notify('textDocument/didOpen', { textDocument: { uri, languageId: c.languageId, version: 1, text: c.text } });
      await until(entry, wait, `diagnostics of ${uri}`);
      firstDiag.push(performance.now() - t0);
    } finally {
      await stopServer(entry);
    }
  }
  return { init, firstDiag, file: c };
}

function report(results, cold, m, floorLabels) {
  const L = [];
  const py = results.filter((r) => !r.error);
  L.push('# hubcfg benchmark');
  L.push('');
  L.push(`- Machine: ${m.cpu}, ${m.cores} cores, ${m.memGb} GB RAM, ${m.os}`);
  L.push(`- Node ${m.node}${m.commit ? `, commit ${m.commit}` : ''}, ${QUICK ? '`--quick`' : 'full'} run, ${new Date().toISOString().slice(0, 10)}`);
  L.push(`- Load average (1 min) at start / end: ${m.loadStart} / ${os.loadavg()[0].toFixed(2)}${Math.max(Number(m.loadStart), os.loadavg()[0]) > m.cores / 2 ? ' (a busy machine: expect noisy numbers)' : ''}`);
  L.push(`- Trait catalogue: ${process.env.HUBCFG_CATALOG_DIR ? 'HUBCFG_CATALOG_DIR override (development catalogue)' : 'bundled (dist/catalog)'}`);
  L.push(`- Floor: ${floorLabels.join('; ')}, in the benchmark process; the server is \`dist/server.js --stdio\` spoken to over its stdio, settings \`${JSON.stringify(SERVER_SETTINGS)}\``);
  L.push('');
  L.push('All times are medians in milliseconds.');
  L.push('');
  L.push('| file | lines | KB | bare parse ms | neutralised parse ms | open→diag ms | ratio to bare parse | edit→diag ms |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    if (r.error) {
      L.push(`| ${r.name} | ${r.lines ?? ''} | ${r.kb?.toFixed(1) ?? ''} | ${fmt(median(r.bare ?? []))} | ${fmt(median(r.neutral ?? []))} | **failed** | | |`);
      continue;
    }
    const bare = median(r.bare);
    const open = median(r.open);
    L.push(`| ${r.name} | ${r.lines} | ${r.kb.toFixed(1)} | ${fmt(bare)}${r.bare.length < 5 ? ` (${r.bare.length} runs)` : ''} | ${r.neutral ? fmt(median(r.neutral)) : '—'} | ${fmt(open)} | ${fmtX(open / bare)} | ${fmt(median(r.edit))} |`);
  }
  L.push('');
  L.push('Details (first open = the first open in a fresh server, before any warm-up; p90 = 90th percentile; lex = one comment-neutralisation pass, cold; runs = parse / open / edit iterations after warm-up):');
  L.push('');
  L.push('| file | diagnostics | first open ms | open min / p90 ms | edit min / p90 ms | bare parse min ms | edit ratio to bare parse | lex ms | runs |');
  L.push('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of py) {
    L.push(`| ${r.name} | ${r.diagnostics} | ${fmt(r.firstOpen)} | ${fmt(Math.min(...r.open))} / ${fmt(quantile(r.open, 0.9))} | ${fmt(Math.min(...r.edit))} / ${fmt(quantile(r.edit, 0.9))} | ${fmt(Math.min(...r.bare))} | ${fmtX(median(r.edit) / median(r.bare))} | ${fmt(r.lexMs)} | ${r.bare.length} / ${r.open.length} / ${r.edit.length} |`);
  }
  L.push('');
  if (cold) {
    L.push(`Cold start (${cold.init.length} fresh server processes; first diagnostics of ${cold.file.name}, ${cold.file.lines} lines):`);
    L.push('');
    L.push('| | median ms | min ms | max ms |');
    L.push('|---|---:|---:|---:|');
    L.push(`| spawn → initialize result | ${fmt(median(cold.init))} | ${fmt(Math.min(...cold.init))} | ${fmt(Math.max(...cold.init))} |`);
    L.push(`| spawn → first diagnostics | ${fmt(median(cold.firstDiag))} | ${fmt(Math.min(...cold.firstDiag))} | ${fmt(Math.max(...cold.firstDiag))} |`);
    L.push('');
  }
  L.push('Server memory after all runs on each file (one fresh server per file):');
  L.push('');
  L.push('| file | VmRSS MB | VmHWM (peak) MB |');
  L.push('|---|---:|---:|');
  for (const r of py) L.push(`| ${r.name} | ${mb(r.rssKb)} | ${mb(r.hwmKb)} |`);
  L.push('');

  // targets
  const checks = [];
  const yes = (ok) => (ok === undefined ? 'n/a' : ok ? 'met' : '**missed**');
  for (const r of py) {
    const ratio = median(r.open) / median(r.bare);
    let note = '';
    if (r.neutral) note = ` (${fmtX(median(r.open) / median(r.neutral))} the neutralised parse)`;
    checks.push([`open→diagnostics within 2× the bare parse: ${r.name}`, `${fmtX(ratio)}${note}`, yes(ratio <= 2)]);
  }
  for (const r of py.filter((x) => x.target20)) checks.push([`open→diagnostics under 20 ms for 1,000 lines: ${r.name} (${r.lines} lines)`, `${fmt(median(r.open))} ms`, yes(median(r.open) < 20)]);
  for (const r of py) checks.push([`edit→diagnostics under 20 ms: ${r.name}`, `${fmt(median(r.edit))} ms`, yes(median(r.edit) < 20)]);
  if (cold) {
    checks.push(['cold start under 300 ms: spawn → initialize result', `${fmt(median(cold.init))} ms`, yes(median(cold.init) < 300)]);
    checks.push([`cold start under 300 ms: spawn → first diagnostics (${cold.file.name})`, `${fmt(median(cold.firstDiag))} ms`, yes(median(cold.firstDiag) < 300)]);
  }
  for (const big of py.filter((x) => x.memory)) {
    checks.push([`RSS under 80 MB after the 10,000-line file: ${big.name} (${big.lines} lines)`, `${mb(big.rssKb)} MB (peak ${mb(big.hwmKb)} MB)`, big.rssKb === undefined ? undefined : yes(big.rssKb < 80 * 1024)]);
  }
  L.push('Targets:');
  L.push('');
  L.push('| target | measured | |');
  L.push('|---|---:|---|');
  for (const [t, v, ok] of checks) L.push(`| ${t} | ${v} | ${ok} |`);
  L.push('');
  L.push('Reference figures (from the issue): yaml-language-server ≈ 206 ms to diagnostics after open or edit, ≈ 480 ms start, ≈ 130 MB; pyright ≈ 22–35 ms after open, ≈ 270 ms after edit, ≈ 500 MB.');
  const failed = results.filter((r) => r.error);
  if (failed.length) {
    L.push('');
    L.push('Failures:');
    L.push('');
    for (const r of failed) L.push(`- ${r.name}: ${r.error.split('\n')[0]}`);
  }
  return L.join('\n') + '\n';
}

/** Where the measured build lives: a private copy of dist/ (and the test client), see snapshotBuild. */
let BUILD = ROOT;

/**
 * Copies dist/ (the bundled server with its assets beside it) and the test client into the temp
 * dir, so the whole run measures one build even if dist/ is rebuilt meanwhile (`npm test` rebuilds
 * it). The client finds the server at <its root>/dist/server.js.
 */
async function snapshotBuild(dir) {
  const need = ['dist/server.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'out/test/helpers/lsp.js', 'out/test/helpers/fixtures.js'];
  const snap = path.join(dir, 'build');
  for (let attempt = 0; ; attempt++) {
    const missing = need.filter((f) => !fs.existsSync(path.join(ROOT, f)));
    if (!missing.length) {
      try {
        fs.rmSync(snap, { recursive: true, force: true });
        fs.cpSync(path.join(ROOT, 'dist'), path.join(snap, 'dist'), { recursive: true });
        fs.mkdirSync(path.join(snap, 'out', 'test', 'helpers'), { recursive: true });
        for (const f of ['lsp.js', 'fixtures.js']) fs.copyFileSync(path.join(ROOT, 'out', 'test', 'helpers', f), path.join(snap, 'out', 'test', 'helpers', f));
        if (need.every((f) => fs.existsSync(path.join(snap, f)))) break;
      } catch {
        /* dist/ changed under us: try again */
      }
    } else if (attempt >= 20) {
      throw new Error(`${missing.join(', ')} missing: build first (npm run bench does)`);
    }
    if (attempt >= 20) throw new Error('could not copy dist/: it keeps changing');
    await new Promise((r) => setTimeout(r, 500));
  }
  BUILD = snap;
  ({ LspClient } = require(path.join(snap, 'out', 'test', 'helpers', 'lsp.js')));
}

/**
 * A deployment of three values files (a base, an overlay, a secrets-sized file; about 2,000 lines in
 * all), judged together in this process as the CLI judges one file of it: every file parsed, merged,
 * the rules run. The floor is the bare YAML parse of all three texts in the same run.
 */
async function deploymentCase() {
  const YAML = require('yaml');
  const { analyzeDeployment } = require(path.join(ROOT, 'out', 'server', 'src', 'deploy', 'analyze.js'));
  const texts = [realisticValues(makeRng(2001), 1000), realisticValues(makeRng(2002), 650), realisticValues(makeRng(2003), 350)];
  const lines = texts.reduce((n, t) => n + t.split('\n').length - 1, 0);
  const files = texts.map((text, i) => ({ path: `/srv/deploy/${['values', 'prod', 'secrets'][i]}.yaml`, text }));
  const floorOnce = () => {
    const t0 = performance.now();
    for (const t of texts) YAML.parseAllDocuments(t);
    return performance.now() - t0;
  };
  const judgeOnce = async () => {
    const t0 = performance.now();
    const res = await analyzeDeployment({ name: 'bench', files }, {});
    if (res.length !== 3) throw new Error('deployment: not one result per file');
    return performance.now() - t0;
  };
  process.stdout.write(`deployment-3 (${lines} lines in 3 files)\n`);
  await sample(floorOnce, BUDGET.parseWarmup);
  await sample(judgeOnce, BUDGET.openWarmup);
  const floor = median(await sample(floorOnce, BUDGET.parse));
  const judged = median(await sample(judgeOnce, BUDGET.open));
  return [
    '### Deployment (in process)',
    '',
    '| case | lines | bare YAML parse of all files ms | judge the deployment ms | ratio |',
    '|---|---:|---:|---:|---:|',
    `| deployment-3 | ${lines} | ${fmt(floor)} | ${fmt(judged)} | ${fmtX(judged / floor)} |`,
  ].join('\n');
}

async function main() {
  const cases = CASES.filter((c) => !ONLY || c.kind === ONLY || c.name.includes(ONLY));
  if (!cases.length && ONLY !== 'deployment') {
    console.error(`--only ${ONLY}: no case matches (cases: ${CASES.map((c) => `${c.name} [${c.kind}]`).join(', ')})`);
    process.exit(2);
  }
  const dir = (tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-bench-')));
  await snapshotBuild(dir);
  const m = machine();
  console.log(`hubcfg bench${QUICK ? ' (quick)' : ''}: ${m.cpu}, ${m.cores} cores, Node ${m.node}\n`);

  const floors = {};
  const results = [];
  for (const c of cases) {
    c.text = c.generate(makeRng(c.seed));
    c.lines = c.text.split('\n').length - 1;
    fs.mkdirSync(path.join(dir, c.name), { recursive: true });
    fs.writeFileSync(path.join(dir, c.name, c.fileName), c.text);
    const floorDef = FLOORS[c.kind];
    if (!floorDef) throw new Error(`no floor for kind ${c.kind}`);
    floors[c.kind] ??= await floorDef.load();
    const partial = { name: c.name, kind: c.kind, lines: c.lines, kb: Buffer.byteLength(c.text) / 1024 };
    try {
      results.push(await runCase(c, floors[c.kind], dir));
    } catch (e) {
      console.error(`  ${c.name} failed: ${e.message}`);
      results.push({ ...partial, error: e.message });
      failure ??= e;
    }
  }

  let deployment;
  if (!ONLY || ONLY === 'deployment') {
    try {
      deployment = await deploymentCase();
    } catch (e) {
      console.error(`  deployment case failed: ${e.message}`);
      failure ??= e;
    }
  }

  let cold;
  const coldCase = cases.find((c) => c.coldStart);
  if (coldCase) {
    process.stdout.write(`cold start (${BUDGET.cold} processes)\n`);
    try {
      cold = await coldStart(coldCase, dir);
    } catch (e) {
      console.error(`  cold start failed: ${e.message}`);
      failure ??= e;
    }
  }

  let md = report(results, cold, m, Object.keys(floors).map((k) => FLOORS[k].label));
  if (deployment) md += `\n${deployment}\n`;
  console.log('\n' + md);
  const outDir = path.join(ROOT, 'bench', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'latest.md'), md);
  console.log(`written to ${path.relative(ROOT, path.join(outDir, 'latest.md'))}`);
  if (KEEP) console.log(`generated files kept in ${dir}`);
  cleanup();
  if (failure) {
    console.error(`\nbench: the server crashed or stopped answering: ${failure.message}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e.stack ?? e);
  cleanup();
  process.exit(1);
});
