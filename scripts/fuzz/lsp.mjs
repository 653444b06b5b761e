// The language-server half of the fuzzer: random incremental edits (the mutators, as minimal edits, and
// typing), hover / completion / code action / source.fixAll at random positions; every request answered
// in time and without an error, the server alive, diagnostics published for the latest version, RSS bounded.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Rng } from './prng.mjs';
import { TEXT_MUTATORS, mutate } from './mutators.mjs';
import { minimizeText } from './minimize.mjs';
import { ROOT, diagnosticProblem, lspLines, signature } from './common.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));
const { TextDocument } = require('vscode-languageserver-textdocument');

const SERVER = path.join(ROOT, 'dist', 'server.js');
const MAX_DOC = 300_000;

/** A JSON-RPC client over the server's stdio that times every request. */
export class Server {
  constructor({ requestMs = 2000 } = {}) {
    this.requestMs = requestMs;
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    this.buf = Buffer.alloc(0);
    this.nextId = 1;
    this.pending = new Map();
    this.diags = new Map();
    this.waiters = [];
    this.errors = [];
    this.logErrors = [];
    this.stderr = '';
    this.exited = null;
    this.maxMs = 0;
    this.requests = 0;
    this.proc.stdout.on('data', (d) => this.onData(d));
    this.proc.stderr.on('data', (d) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.proc.stdin.on('error', () => undefined);
    this.proc.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const [, p] of this.pending) p.resolve({ error: { message: `server exited (${code ?? signal})` }, ms: 0, died: true });
      this.pending.clear();
    });
  }
  get pid() {
    return this.proc.pid;
  }
  onData(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const sep = this.buf.indexOf('\r\n\r\n');
      if (sep < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buf.subarray(0, sep).toString());
      if (!m) {
        this.errors.push({ check: 'lsp-protocol', detail: 'a message without Content-Length' });
        this.buf = Buffer.alloc(0);
        return;
      }
      const len = Number(m[1]);
      if (this.buf.length < sep + 4 + len) return;
      let msg;
      try {
        msg = JSON.parse(this.buf.subarray(sep + 4, sep + 4 + len).toString('utf8'));
      } catch (e) {
        this.errors.push({ check: 'lsp-protocol', detail: `a message that is not JSON: ${e.message}` });
      }
      this.buf = this.buf.subarray(sep + 4 + len);
      if (msg) this.dispatch(msg);
    }
  }
  dispatch(msg) {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      p?.resolve({ result: msg.result, error: msg.error, ms: Date.now() - p.t0 });
      return;
    }
    if (msg.id !== undefined && msg.method) {
      let result = null;
      if (msg.method === 'workspace/configuration') result = msg.params.items.map((it) => (it.section === 'hubcfg' ? { pythonInterpreter: 'off' } : null));
      this.write({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    if (msg.method === 'textDocument/publishDiagnostics') {
      this.diags.set(msg.params.uri, msg.params);
      for (const w of [...this.waiters]) w(msg.params);
    } else if (msg.method === 'window/logMessage' && msg.params?.type === 1) {
      this.logErrors.push(String(msg.params.message).slice(0, 600));
    }
  }
  write(msg) {
    if (this.exited) return;
    const s = JSON.stringify(msg);
    this.proc.stdin.write(`Content-Length: ${Buffer.byteLength(s, 'utf8')}\r\n\r\n${s}`);
  }
  /** resolves { result, error, ms, timedOut } — never rejects */
  request(method, params, limitMs = this.requestMs * 5) {
    const id = this.nextId++;
    this.requests++;
    return new Promise((resolve) => {
      const t0 = Date.now();
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        resolve({ timedOut: true, ms: Date.now() - t0 });
      }, limitMs);
      this.pending.set(id, {
        t0,
        resolve: (r) => {
          clearTimeout(timer);
          this.maxMs = Math.max(this.maxMs, r.ms);
          resolve(r);
        },
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }
  notify(method, params) {
    this.write({ jsonrpc: '2.0', method, params });
  }
  /** waits for diagnostics of `uri` at `version` (or already there); resolves true / false on timeout */
  waitDiagnostics(uri, version, ms) {
    const have = this.diags.get(uri);
    if (have && have.version === version) return Promise.resolve(true);
    return new Promise((resolve) => {
      const w = (p) => {
        if (p.uri === uri && p.version === version) done(true);
      };
      const t = setTimeout(() => done(false), ms);
      const done = (v) => {
        clearTimeout(t);
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(v);
      };
      this.waiters.push(w);
      const exitCheck = setInterval(() => {
        if (this.exited) {
          clearInterval(exitCheck);
          done(false);
        }
      }, 100);
      setTimeout(() => clearInterval(exitCheck), ms + 10);
    });
  }
  async initialize() {
    const r = await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: { workspaceTrusted: false, settings: { pythonInterpreter: 'off' } },
    }, 30000);
    this.notify('initialized', {});
    return r;
  }
  rssMb() {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }
  async stop() {
    if (this.exited) return;
    await Promise.race([this.request('shutdown', null, 2000), new Promise((r) => setTimeout(r, 2000))]);
    this.notify('exit', null);
    await new Promise((r) => {
      if (this.exited) return r();
      const t = setTimeout(() => {
        this.proc.kill('SIGKILL');
        r();
      }, 3000);
      this.proc.on('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }
}

/** The one edit that turns `a` into `b` (common prefix and suffix kept), in a's positions. */
function diffEdit(doc, a, b) {
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  // never split a \r\n or a surrogate pair
  while (p > 0 && (a[p - 1] === '\r' || (a.charCodeAt(p - 1) >= 0xd800 && a.charCodeAt(p - 1) < 0xdc00))) p--;
  while (s > 0 && (a[a.length - s] === '\n' || (a.charCodeAt(a.length - s) >= 0xdc00 && a.charCodeAt(a.length - s) < 0xe000))) s--;
  return { range: { start: doc.positionAt(p), end: doc.positionAt(a.length - s) }, text: b.slice(p, b.length - s) };
}

const TYPED = ['c.JupyterHub.', 'c.Spawner.', 'c.Authenticator.allowed_users = ', 'admin_access = True', 'hub:\n  config:\n    ', 'singleuser:\n  ', "'admin:users'", '"read:users!group=', ': ', '\n', '    ', '- ', 'proxy:\n  https:\n    enabled: ', '# hubcfg: disable=', '"""', '[', '{'];

function randomPosition(rng, doc, text) {
  let off = rng.below(text.length + 1);
  // near something interesting now and then: after a dot, a colon, a quote
  if (rng.chance(0.4)) {
    const marks = [...text.matchAll(/[.:'"=\[]/g)];
    if (marks.length) off = Math.min(text.length, rng.pick(marks).index + 1 + rng.below(3));
  }
  return doc.positionAt(off);
}

const validRange = (r, lines) => {
  const ok = (p) => p && Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && (p.line < lines.length ? p.character <= lines[p.line].length : p.line === lines.length && p.character === 0);
  return r && ok(r.start) && ok(r.end);
};

/** Checks a response; returns a problem or undefined. */
function responseProblem(method, r, limitMs, doc) {
  if (r.died) return { check: 'lsp-server-died', detail: `the server exited during ${method}` };
  if (r.timedOut) return { check: 'lsp-slow', detail: `${method} not answered within ${r.ms} ms` };
  if (r.error) return { check: 'lsp-error-response', detail: `${method}: ${r.error.code} ${String(r.error.message).split('\n')[0].slice(0, 200)}` };
  if (r.ms > limitMs) return { check: 'lsp-slow', detail: `${method} answered in ${r.ms} ms (limit ${limitMs} ms)` };
  if (method === 'textDocument/codeAction' && r.result && doc) {
    const lines = lspLines(doc.getText());
    for (const a of r.result) {
      for (const edits of Object.values(a.edit?.changes ?? {})) for (const e of edits) if (!validRange(e.range, lines)) return { check: 'lsp-bad-edit', detail: `code action "${a.title}" edits outside the document: ${JSON.stringify(e.range)}` };
    }
  }
  return undefined;
}

function requestParams(rng, kind, uri, doc, text, published) {
  const pos = randomPosition(rng, doc, text);
  if (kind === 'hover') return ['textDocument/hover', { textDocument: { uri }, position: pos }, true];
  if (kind === 'completion') return ['textDocument/completion', { textDocument: { uri }, position: pos, context: rng.chance(0.5) ? { triggerKind: 1 } : { triggerKind: 2, triggerCharacter: rng.pick(['.', "'", '"', ':', ' ']) } }, true];
  if (kind === 'quickfix') {
    // the client sends the diagnostics it has; their fixes are only checked against the text they were made for
    const fresh = published?.version === doc.version;
    const diags = (published?.diagnostics ?? []).filter(() => rng.chance(0.7)).filter(() => fresh || rng.chance(0.3));
    const range = diags.length && rng.chance(0.7) ? diags[0].range : { start: pos, end: pos };
    return ['textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: diags, only: rng.chance(0.5) ? undefined : ['quickfix'] } }, fresh || !diags.length];
  }
  return ['textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, context: { diagnostics: [], only: [rng.pick(['source.fixAll', 'source.fixAll.hubcfg', 'source'])] } }, true];
}

/**
 * Replays one document on a fresh server: open `text`, wait for diagnostics, send the request. Used by
 * the minimiser. Returns the problem found (or undefined).
 */
async function probe(state, text, name, req, opts) {
  if (!state.server || state.server.exited) {
    state.server = new Server({ requestMs: opts.requestMs });
    await state.server.initialize();
  }
  const s = state.server;
  const uri = pathToFileURL(path.join(opts.work, 'probe', String(state.n++), name)).href;
  const languageId = name.endsWith('.py') ? 'python' : 'yaml';
  s.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  const doc = TextDocument.create(uri, languageId, 1, text);
  const gotDiags = await s.waitDiagnostics(uri, 1, opts.diagnosticsMs);
  const problems = [];
  if (s.exited) problems.push('lsp-server-died');
  else if (!gotDiags) problems.push('lsp-stale-diagnostics');
  else {
    const bad = (s.diags.get(uri)?.diagnostics ?? []).map((d) => diagnosticProblem({ rule: d.code, severity: ['', 'error', 'warning', 'information', 'hint'][d.severity], message: d.message, range: d.range, fixes: [] }, lspLines(text))).find(Boolean);
    if (bad) problems.push(bad.startsWith('internal rule error') ? 'lsp-rule-internal-error' : 'lsp-bad-diagnostic');
  }
  if (req && !s.exited) {
    const lines = lspLines(text);
    const clamp = (p) => {
      const line = Math.min(p.line, lines.length - 1);
      return { line, character: Math.min(p.character, lines[line].length) };
    };
    const params = JSON.parse(JSON.stringify(req.params));
    params.textDocument.uri = uri;
    if (params.position) params.position = clamp(params.position);
    if (params.range) params.range = { start: clamp(params.range.start), end: clamp(params.range.end) };
    if (params.context?.diagnostics) params.context.diagnostics = s.diags.get(uri)?.diagnostics ?? [];
    const r = await s.request(req.method, params, opts.requestMs * 3);
    const p = responseProblem(req.method, r, opts.requestMs, doc);
    if (p) problems.push(p.check);
    if (r.timedOut) {
      s.proc.kill('SIGKILL');
      state.server = undefined;
    }
  }
  if (s.logErrors.length) problems.push('lsp-log-error');
  s.logErrors = [];
  s.notify('textDocument/didClose', { textDocument: { uri } });
  return problems;
}

async function minimiseAndRecord(log, opts, failure, doc, req, session) {
  const sig = signature(failure.check, failure.detail);
  const files = { [`original/${doc.name}`]: doc.text, 'session.json': JSON.stringify(session, null, 1) };
  let min;
  let reproducesFresh = false;
  if (log.seen(sig) === 0 && opts.minimiseSeconds > 0) {
    const state = { n: 0 };
    const same = async (text) => (await probe(state, text, doc.name, req, opts)).includes(failure.check);
    reproducesFresh = await same(doc.text);
    if (reproducesFresh) {
      min = await minimizeText(doc.text, same, { seconds: opts.minimiseSeconds, tests: 300 });
      files[`minimised/${doc.name}`] = min.text;
    }
    await state.server?.stop();
  }
  return log.record(
    {
      check: failure.check,
      detail: failure.detail,
      where: `LSP step ${session.step}; document ${doc.name} (version ${doc.version}, ${doc.text.length} chars)${req ? `; request ${req.method} ${JSON.stringify(req.params.position ?? req.params.range ?? {})}` : ''}${log.seen(sig) === 0 && !reproducesFresh && opts.minimiseSeconds > 0 ? '; does not reproduce on a fresh open of the final text: see session.json (the edits)' : ''}`,
      minimised: min?.text,
      minimisedBytes: min ? Buffer.byteLength(min.text) : undefined,
      minimiseTests: min?.tests,
      request: req,
    },
    files,
  );
}

/**
 * Runs the LSP fuzzer until `deadline`. Returns stats.
 */
export async function fuzzLsp({ seed, corpus, deadline, work, log, requestMs = 2000, diagnosticsMs = 5000, rssGrowthMb = 400, minimiseSeconds = 60, verbose = false }) {
  const opts = { requestMs, diagnosticsMs, work, minimiseSeconds };
  const rng = new Rng(seed ^ 0x27d4eb2f);
  const stats = { edits: 0, requests: 0, opened: 0, steps: 0, restarts: 0, maxRequestMs: 0, rss: { baseline: undefined, max: 0, last: 0, samples: 0 } };
  let server = new Server({ requestMs });
  await server.initialize();
  const docs = new Map();
  let docN = 0;
  let failedSigs = 0;

  const fail = async (failure, d, req) => {
    if (failedSigs > 50) return;
    failedSigs++;
    const session = { seed, step: stats.steps, opened: d?.history?.opened, edits: d?.history?.edits ?? [] };
    await minimiseAndRecord(log, opts, failure, d ? { name: d.name, text: d.doc.getText(), version: d.doc.version } : { name: 'none', text: '', version: 0 }, req, session);
  };
  const restart = async () => {
    if (!server.exited) server.proc.kill('SIGKILL');
    stats.requests += server.requests;
    stats.maxRequestMs = Math.max(stats.maxRequestMs, server.maxMs);
    server = new Server({ requestMs });
    await server.initialize();
    docs.clear();
    stats.restarts++;
    stats.rss.baseline = undefined;
    stats.rss.samples = 0;
  };

  const open = () => {
    const entry = rng.pick(corpus);
    let text = entry.text;
    if (rng.chance(0.5)) text = mutate(entry, corpus, rng, 3).bytes.toString('utf8');
    if (text.length > MAX_DOC) text = entry.text;
    const name = entry.kind === 'py' ? 'jupyterhub_config.py' : rng.pick(['values.yaml', 'config.yaml']);
    const uri = pathToFileURL(path.join(work, 'lsp', String(docN++), name)).href;
    const languageId = entry.kind === 'py' ? 'python' : 'yaml';
    const doc = TextDocument.create(uri, languageId, 1, text);
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const d = { uri, name, doc, kind: entry.kind, history: { opened: text, edits: [] } };
    docs.set(uri, d);
    stats.opened++;
    return d;
  };
  const change = (d, edits) => {
    const version = d.doc.version + 1;
    TextDocument.update(d.doc, edits, version);
    d.history.edits.push(...edits);
    if (d.history.edits.length > 400) {
      d.history = { opened: d.doc.getText(), edits: [] };
    }
    server.notify('textDocument/didChange', { textDocument: { uri: d.uri, version }, contentChanges: edits });
    stats.edits += edits.length;
  };
  const randomEdits = (d) => {
    const text = d.doc.getText();
    if (text.length > MAX_DOC || rng.chance(0.01)) {
      // start over from a corpus file: one full-range replacement
      const entry = rng.pick(corpus.filter((c) => c.kind === d.kind));
      return [diffEdit(d.doc, text, entry.text)];
    }
    if (rng.chance(0.3)) {
      // typing: a few characters one edit each
      const s = rng.pick(TYPED);
      let off = rng.below(text.length + 1);
      while (off > 0 && off < text.length && text[off - 1] === '\r' && text[off] === '\n') off--;
      const edits = [];
      let pos = d.doc.positionAt(off);
      for (const ch of s.slice(0, rng.logInt(s.length))) {
        edits.push({ range: { start: pos, end: pos }, text: ch });
        pos = ch === '\n' ? { line: pos.line + 1, character: 0 } : { line: pos.line, character: pos.character + ch.length };
      }
      return edits;
    }
    const names = Object.keys(TEXT_MUTATORS).filter((n) => n !== 'empty' || rng.chance(0.05));
    const next = TEXT_MUTATORS[rng.pick(names)](text, { rng, kind: d.kind, corpus });
    if (next.length > MAX_DOC * 1.5) return [];
    return next === text ? [] : [diffEdit(d.doc, text, next)];
  };
  const checkPublished = async (d) => {
    const version = d.doc.version;
    const ok = await server.waitDiagnostics(d.uri, version, diagnosticsMs);
    if (server.exited) {
      await fail({ check: 'lsp-server-died', detail: `exit ${JSON.stringify(server.exited)}; stderr: ${server.stderr.slice(-300)}` }, d);
      await restart();
      return false;
    }
    if (!ok) {
      // late is not lost: give a busy machine more time before calling the diagnostics stale
      const t1 = Date.now();
      if (!server.exited && (await server.waitDiagnostics(d.uri, version, 4 * diagnosticsMs))) {
        log.flaky.push({ check: 'lsp-slow-diagnostics', detail: `diagnostics for version ${version} (${d.doc.getText().length} chars) after ${diagnosticsMs + Date.now() - t1} ms` });
        return true;
      }
      await fail({ check: 'lsp-stale-diagnostics', detail: `no publishDiagnostics for version ${version} within ${diagnosticsMs} ms (last published: ${server.diags.get(d.uri)?.version})${server.logErrors.length ? '; server logged: ' + server.logErrors[0].split('\n')[0] : ''}` }, d);
      server.logErrors = [];
      return true;
    }
    const lines = lspLines(d.doc.getText());
    for (const x of server.diags.get(d.uri).diagnostics) {
      const p = diagnosticProblem({ rule: x.code, severity: ['', 'error', 'warning', 'information', 'hint'][x.severity], message: x.message, range: x.range, fixes: [] }, lines);
      if (p) {
        await fail({ check: p.startsWith('internal rule error') ? 'lsp-rule-internal-error' : 'lsp-bad-diagnostic', detail: p }, d);
        break;
      }
    }
    return true;
  };
  const send = async (d, kind) => {
    const [method, params, checkEdits] = requestParams(rng, kind, d.uri, d.doc, d.doc.getText(), server.diags.get(d.uri));
    const version = d.doc.version;
    const r = await server.request(method, params, requestMs * 3);
    let p = responseProblem(method, r, requestMs, checkEdits && d.doc.version === version ? d.doc : undefined);
    if (p?.check === 'lsp-slow' && !r.timedOut) {
      // slow once: the same request again, at once; a busy machine is not a failure
      const again = await server.request(method, params, requestMs * 3);
      if (!again.timedOut && !again.error && again.ms <= requestMs) {
        log.flaky.push({ check: 'lsp-slow', detail: `${p.detail}, then ${again.ms} ms` });
        p = undefined;
      }
    }
    if (p) {
      await fail(p, d, { method, params });
      if (r.timedOut || r.died) await restart();
      return undefined;
    }
    return r.result;
  };

  while (Date.now() < deadline) {
    stats.steps++;
    if (docs.size === 0 || (docs.size < 4 && rng.chance(0.05))) open();
    const d = rng.pick([...docs.values()]);
    const action = rng.weighted([[50, 'edit'], [12, 'hover'], [12, 'completion'], [10, 'quickfix'], [8, 'fixall'], [4, 'applyFixAll'], [2, 'close']]);
    if (action === 'edit') {
      for (let i = rng.logInt(5); i > 0; i--) {
        const edits = randomEdits(d);
        if (edits.length) change(d, edits);
      }
      // requests while the analysis may still run
      const pending = [];
      for (let i = rng.below(3); i > 0; i--) pending.push(send(d, rng.pick(['hover', 'completion', 'quickfix', 'fixall'])));
      await Promise.all(pending);
      if (!docs.has(d.uri)) continue;
      await checkPublished(d);
    } else if (action === 'close') {
      server.notify('textDocument/didClose', { textDocument: { uri: d.uri } });
      docs.delete(d.uri);
    } else if (action === 'applyFixAll') {
      if (!(await checkPublished(d)) || !docs.has(d.uri)) continue;
      const actions = await send(d, 'fixall');
      const fa = actions?.find((a) => a.kind?.startsWith('source.fixAll'));
      if (fa && docs.has(d.uri)) {
        const edits = fa.edit?.changes?.[d.uri] ?? [];
        change(d, edits.map((e) => ({ range: e.range, text: e.newText })));
        if (!(await checkPublished(d)) || !docs.has(d.uri)) continue;
        const again = await send(d, 'fixall');
        if (again?.some((a) => a.kind?.startsWith('source.fixAll'))) await fail({ check: 'lsp-fixall-not-idempotent', detail: 'source.fixAll offers a fix again right after its own fix was applied' }, d, { method: 'textDocument/codeAction', params: { textDocument: { uri: d.uri }, range: { start: { line: 0, character: 0 }, end: d.doc.positionAt(d.doc.getText().length) }, context: { diagnostics: [], only: ['source.fixAll'] } } });
      }
    } else {
      if (rng.chance(0.7)) await checkPublished(d);
      if (docs.has(d.uri)) await send(d, action);
    }
    if (server.logErrors.length) {
      await fail({ check: 'lsp-log-error', detail: server.logErrors[0].split('\n').slice(0, 2).join(' ') }, d);
      server.logErrors = [];
    }
    if (stats.steps % 20 === 0) {
      const rss = server.rssMb();
      if (rss !== undefined) {
        stats.rss.samples++;
        stats.rss.last = rss;
        stats.rss.max = Math.max(stats.rss.max, rss);
        // the baseline is taken once the server has warmed up
        if (stats.rss.samples === 10) stats.rss.baseline = rss;
        if (stats.rss.baseline !== undefined && rss > stats.rss.baseline + rssGrowthMb) {
          await fail({ check: 'lsp-rss-growth', detail: `server RSS ${rss.toFixed(0)} MB, ${(rss - stats.rss.baseline).toFixed(0)} MB above its warmed-up ${stats.rss.baseline.toFixed(0)} MB (limit +${rssGrowthMb} MB)` }, d);
          await restart();
        }
      }
    }
    if (verbose && stats.steps % 200 === 0) console.log(`lsp step ${stats.steps}: ${stats.edits} edits, ${stats.requests + server.requests} requests, RSS ${stats.rss.last.toFixed(0)} MB`);
  }
  stats.requests += server.requests;
  stats.maxRequestMs = Math.max(stats.maxRequestMs, server.maxMs);
  await server.stop();
  return stats;
}
