// Shared pieces of the fuzzer: the corpus, running a child process with a time limit, the JSON
// contract check, and the failure log (reproducers written to the output folder).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** Every .py / .yaml / .yml file under the given folders: [{ path, kind, text }] */
export function loadCorpus(dirs) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(full);
      } else if (e.isFile() && /\.(py|ya?ml)$/i.test(e.name)) {
        out.push({ path: path.relative(ROOT, full) || full, kind: /\.py$/i.test(e.name) ? 'py' : 'yaml', text: fs.readFileSync(full, 'utf8') });
      }
    }
  };
  for (const d of dirs) {
    const abs = path.resolve(ROOT, d);
    if (fs.statSync(abs).isDirectory()) walk(abs);
    else out.push({ path: d, kind: /\.py$/i.test(d) ? 'py' : 'yaml', text: fs.readFileSync(abs, 'utf8') });
  }
  return out;
}

/**
 * Runs a command; resolves { code, signal, stdout, stderr, ms, timedOut }. Killed after killMs.
 */
export function run(cmd, args, { cwd, killMs = 60000, input } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, killMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => err.push(Buffer.from(String(e))));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - t0, timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);
const KINDS = new Set(['jupyterhub_config', 'z2jh_values', 'unknown']);
const APPLICABILITY = new Set(['safe', 'unsafe', 'suggestion']);

const isPos = (p) => p && Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0;
const isRange = (r) => r && isPos(r.start) && isPos(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));

/** The lines of a text as an LSP client counts them (\n, \r\n and a lone \r end a line). */
export function lspLines(text) {
  return text.split(/\r\n|\r|\n/);
}

function posInText(p, lines) {
  if (p.line > lines.length - 1) return p.line === lines.length && p.character === 0;
  return p.character <= lines[p.line].length;
}

/**
 * Checks one diagnostic (the CLI JSON shape) against its document's lines. Returns a problem or undefined.
 * `lines` may be undefined (text unknown: the file was not valid UTF-8), then ranges are not bounded.
 */
export function diagnosticProblem(d, lines) {
  if (!d || typeof d.rule !== 'string' || !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(d.rule)) return `bad rule id ${JSON.stringify(d?.rule)}`;
  if (!SEVERITIES.has(d.severity)) return `bad severity ${JSON.stringify(d.severity)} (${d.rule})`;
  if (typeof d.message !== 'string' || !d.message) return `empty message (${d.rule})`;
  if (/Internal error in rule/.test(d.message)) return `internal rule error: ${d.message.split('\n')[0]}`;
  if (!isRange(d.range)) return `bad range ${JSON.stringify(d.range)} (${d.rule})`;
  if (lines && !(posInText(d.range.start, lines) && posInText(d.range.end, lines))) return `range outside the document ${JSON.stringify(d.range)} (${d.rule}, ${lines.length} lines)`;
  if (!Array.isArray(d.fixes)) return `fixes is not a list (${d.rule})`;
  for (const f of d.fixes) {
    if (typeof f?.title !== 'string' || !APPLICABILITY.has(f.applicability) || !Array.isArray(f.edits)) return `bad fix ${JSON.stringify(f)?.slice(0, 200)} (${d.rule})`;
    for (const e of f.edits) {
      if (!isRange(e?.range) || typeof e.newText !== 'string') return `bad fix edit ${JSON.stringify(e)?.slice(0, 200)} (${d.rule})`;
      if (lines && !(posInText(e.range.start, lines) && posInText(e.range.end, lines))) return `fix edit outside the document ${JSON.stringify(e.range)} (${d.rule})`;
    }
  }
  return undefined;
}

/**
 * Checks a `check --format json` run over `files` (paths as given). `texts` maps a path to its decoded
 * text (or undefined). Returns { batch: [problems], perFile: Map(path -> [problems]), results: Map(path -> file result) }.
 */
export function checkCliRun(res, files, texts, timeLimitMs) {
  const batch = [];
  const perFile = new Map();
  const results = new Map();
  const add = (file, check, detail) => {
    if (!perFile.has(file)) perFile.set(file, []);
    perFile.get(file).push({ check, detail });
  };
  if (res.timedOut) batch.push({ check: 'cli-time', detail: `killed after ${res.ms} ms` });
  else if (timeLimitMs && res.ms > timeLimitMs) batch.push({ check: 'cli-time', detail: `took ${res.ms} ms (limit ${timeLimitMs} ms)` });
  if (res.signal && !res.timedOut) batch.push({ check: 'cli-crash', detail: `killed by ${res.signal}; stderr: ${res.stderr.slice(-500)}` });
  if (/internal error/i.test(res.stderr)) batch.push({ check: 'cli-internal-error', detail: res.stderr.split('\n').slice(0, 2).join(' ').slice(0, 300) });
  if (!res.timedOut && !res.signal && res.code !== 0 && res.code !== 1) batch.push({ check: 'cli-exit-code', detail: `exit ${res.code}; stderr: ${res.stderr.split('\n')[0].slice(0, 300)}` });
  if (res.timedOut || res.signal) return { batch, perFile, results };
  let json;
  try {
    json = JSON.parse(res.stdout);
  } catch (e) {
    batch.push({ check: 'cli-json', detail: `stdout is not JSON (${e.message}); ${res.stdout.length} bytes` });
    return { batch, perFile, results };
  }
  if (!json || json.version !== 1 || !Array.isArray(json.files)) {
    batch.push({ check: 'cli-json-shape', detail: `top level is not {"version":1,"files":[...]}: ${JSON.stringify(json).slice(0, 200)}` });
    return { batch, perFile, results };
  }
  if (json.files.length !== files.length) batch.push({ check: 'cli-json-shape', detail: `${json.files.length} results for ${files.length} files` });
  const byPath = new Map(json.files.map((f) => [f?.path, f]));
  for (const file of files) {
    const f = byPath.get(file.replace(/\\/g, '/'));
    if (!f) {
      add(file, 'cli-json-shape', 'no result for the file');
      continue;
    }
    results.set(file, f);
    if (!KINDS.has(f.kind)) add(file, 'cli-json-shape', `bad kind ${JSON.stringify(f.kind)}`);
    if (!Array.isArray(f.diagnostics)) {
      add(file, 'cli-json-shape', 'diagnostics is not a list');
      continue;
    }
    const text = texts.get(file);
    const lines = text === undefined ? undefined : lspLines(text);
    for (const d of f.diagnostics) {
      const p = diagnosticProblem(d, lines);
      if (p) {
        add(file, p.startsWith('internal rule error') ? 'cli-rule-internal-error' : 'cli-json-shape', p);
        break;
      }
    }
  }
  return { batch, perFile, results };
}

/** The text the CLI analyses: UTF-8 without a leading BOM, or undefined when not valid UTF-8. */
export function decodeLikeCli(bytes) {
  try {
    let t = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    return t;
  } catch {
    return undefined;
  }
}

/** A short stable key of a failure, so the same bug is minimised once. */
export function signature(check, detail) {
  return check + ': ' + String(detail).replace(/\d+/g, 'N').replace(/(?<=^|\s)\/[^\s:'"]+/g, 'PATH').slice(0, 140);
}

/** Collects failures and writes each one's reproducer into the output folder. */
export class FailureLog {
  constructor(outDir, seed) {
    this.outDir = outDir;
    this.seed = seed;
    this.failures = [];
    this.signatures = new Map();
    this.flaky = [];
  }
  /** how many failures with this signature were seen before */
  seen(sig) {
    return this.signatures.get(sig) ?? 0;
  }
  /**
   * Records a failure. `files`: { name: Buffer } written into the reproducer folder (the minimised input
   * and the original); `info`: shown on screen and saved as failure.json.
   */
  record(info, files) {
    const sig = signature(info.check, info.detail);
    this.signatures.set(sig, this.seen(sig) + 1);
    // the same failure again and again: counted, saved the first 3 times
    if (this.seen(sig) > 3) {
      this.repeats = (this.repeats ?? 0) + 1;
      return undefined;
    }
    const n = this.failures.length + 1;
    const dir = path.join(this.outDir, `failure-${String(n).padStart(3, '0')}-${info.check}`);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), bytes);
    }
    const entry = { n, seed: this.seed, signature: sig, dir, ...info };
    fs.writeFileSync(path.join(dir, 'failure.json'), JSON.stringify(entry, null, 2) + '\n');
    this.failures.push(entry);
    const lines = [`FAIL #${n} [${info.check}] ${info.detail}`, `  seed ${this.seed}, ${info.where ?? ''}`.trimEnd()];
    if (info.minimised !== undefined) lines.push(`  minimised reproducer (${info.minimisedBytes} bytes, ${info.minimiseTests} tests) in ${dir}:`, indentBlock(info.minimised));
    else lines.push(`  reproducer in ${dir}`);
    if (info.command) lines.push(`  run: ${info.command}`);
    console.log(lines.join('\n'));
    return entry;
  }
}

function indentBlock(text) {
  const shown = text.length > 1500 ? text.slice(0, 1500) + `\n... (${text.length - 1500} more characters)` : text;
  return shown
    .split('\n')
    .map((l) => '    | ' + (l.length > 300 ? JSON.stringify(l.slice(0, 300)).slice(1, -1) + ` ... (${l.length - 300} more)` : JSON.stringify(l).slice(1, -1)))
    .join('\n');
}
