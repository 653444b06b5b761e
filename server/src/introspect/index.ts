import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findAsset } from '../util/assets';
import type { ClassEntry, TraitEntry, TraitOverlay } from '../catalog/traits';
import type { ConfigModel } from '../model/types';

/**
 * Docs from the user's own JupyterHub: runs the shipped helper (server/python/hubcfg_introspect.py)
 * with a Python interpreter, time-limited, in a scratch directory, and turns its answer into a
 * `TraitOverlay` for the trait catalogue. Never runs the user's config; the server calls this only in
 * a workspace the client reports as trusted, or that the user opted in for (`hubcfg.introspection`).
 * The helper imports JupyterHub and the plugins installed packages register as its entry points; the
 * modules and classes a config names only when the request says so (`importConfigNamed`, from
 * `hubcfg.introspectConfigClasses`). Results are cached per interpreter (path + mtime) and request,
 * and dropped when the interpreter or an introspected package changes on disk.
 */

export const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_OUTPUT = 32 * 1024 * 1024;
/** how often a cached answer's files are checked for changes */
const RECHECK_MS = 5_000;

export type IntrospectionStateName = 'off' | 'untrusted' | 'unavailable' | 'running' | 'ready' | 'no-jupyterhub' | 'failed';

export interface IntrospectionState {
  state: IntrospectionStateName;
  /** the interpreter as configured or found (for messages) */
  interpreter?: string;
  jupyterhub?: string;
  classes?: number;
  seconds?: number;
  /** one line for the status item / log */
  detail: string;
}

/** What the helper prints (schema 1). */
export interface HelperAnswer {
  schema: number;
  python: { executable: string; version: string };
  jupyterhub: string | null;
  traitlets?: string | null;
  packages: Record<string, { version?: string; path?: string }>;
  classes: Record<string, ClassEntry & { package: string }>;
  errors: string[];
  watch: string[];
  seconds?: number;
}

export interface IntrospectionRequest {
  /** dotted class names the config gives to `*_class` traits */
  classes: string[];
  /** modules the config imports names from that it gives to `*_class` traits */
  modules: string[];
  /**
   * true: the helper may import `classes` and `modules` (their top-level code runs). Without it the
   * helper ignores both lists (set only with `hubcfg.introspectConfigClasses`).
   */
  importConfigNamed?: boolean;
}

interface CacheEntry {
  stamp: string;
  watch: { file: string; mtimeMs: number }[];
  checkedAt: number;
  answer?: HelperAnswer;
  overlay?: TraitOverlay;
  error?: string;
}

function mtime(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** An executable on PATH, like `which`. */
export function which(cmd: string, envPath = process.env.PATH ?? ''): string | undefined {
  if (cmd.includes('/') || cmd.includes('\\')) return fs.existsSync(cmd) ? cmd : undefined;
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : [''];
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = path.join(dir, cmd + ext);
      try {
        const st = fs.statSync(p);
        if (st.isFile() && (process.platform === 'win32' || st.mode & 0o111)) return p;
      } catch {
        /* next */
      }
    }
  }
  return undefined;
}

/** Whether the hubcfg.pythonInterpreter setting turns introspection off (`off`, `none`, `false`, `disabled`). */
export function interpreterOff(setting: string): boolean {
  return /^(off|none|false|disabled?)$/i.test(setting.trim());
}

/**
 * The interpreter to introspect with: the setting (`off` turns it off), else the Python extension's
 * interpreter (sent by the VS Code client), else `python3` (`python` on Windows) on PATH.
 */
export function resolveInterpreter(setting: string, fromClient: string | undefined): { path?: string; label: string; off?: boolean } {
  const s = setting.trim();
  if (interpreterOff(s)) return { label: 'off', off: true };
  const expand = (p: string) => p.replace(/^~(?=$|[\\/])/, os.homedir());
  if (s) {
    const p = which(expand(s));
    return { path: p, label: s };
  }
  if (fromClient) {
    const p = which(expand(fromClient));
    if (p) return { path: p, label: `${fromClient} (Python extension)` };
  }
  const names = process.platform === 'win32' ? ['python', 'py'] : ['python3', 'python'];
  for (const n of names) {
    const p = which(n);
    if (p) return { path: p, label: `${n} on PATH` };
  }
  return { label: 'python3 on PATH' };
}

/** Dotted class names and modules the config names for `*_class` traits (so plugins and own classes get introspected). */
export function requestFromModel(model: ConfigModel | undefined, known: (cls: string) => boolean): IntrospectionRequest {
  const classes = new Set<string>();
  const modules = new Set<string>();
  if (!model) return { classes: [], modules: [] };
  const wanted = new Set<string>();
  for (const op of model.ops) {
    if (!/_class(es)?$/.test(op.trait)) continue;
    const vals = op.value.kind === 'list' || op.value.kind === 'tuple' ? op.value.items : [op.value];
    for (const v of vals) {
      if (v.kind === 'str' && /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+$/.test(v.value)) {
        const last = v.value.slice(v.value.lastIndexOf('.') + 1);
        if (!known(last)) classes.add(v.value);
      } else if (v.kind === 'name' && !known(v.name)) wanted.add(v.name);
    }
  }
  if (wanted.size && model.kind === 'jupyterhub_config') {
    for (const m of model.text.matchAll(/^[ \t]*from[ \t]+([A-Za-z_][\w.]*)[ \t]+import[ \t]+\(?([^\n)]*)/gm)) {
      const names = m[2].split(',').map((x) => x.trim().split(/\s+as\s+/).pop()!.trim());
      if (names.some((n) => wanted.has(n))) modules.add(m[1]);
    }
  }
  return { classes: [...classes].sort().slice(0, 50), modules: [...modules].sort().slice(0, 50) };
}

/** The helper's answer as a catalogue overlay. */
export function overlayFromAnswer(a: HelperAnswer, interpreter: string): TraitOverlay {
  const classes: TraitOverlay['classes'] = {};
  for (const [name, c] of Object.entries(a.classes)) {
    const pkg = c.package;
    const traits: Record<string, TraitEntry> = {};
    for (const [t, e] of Object.entries(c.traits ?? {})) traits[t] = e;
    classes[name] = {
      entry: { module: c.module, bases: c.bases ?? [], traits, shadowed: c.shadowed, dynamicDefaults: c.dynamicDefaults, help: c.help },
      package: pkg,
      packageVersion: a.packages[pkg]?.version ?? '(installed)',
    };
  }
  const versions = Object.entries(a.packages)
    .map(([p, i]) => `${p}=${i.version ?? '?'}`)
    .sort()
    .join(',');
  return {
    id: `${interpreter}|${versions}|${Object.keys(classes).length}`,
    source: `JupyterHub ${a.jupyterhub} in ${a.python.executable}`,
    jupyterhub: a.jupyterhub ?? undefined,
    classes,
  };
}

/** Runs the helper once. Resolves with its answer; rejects with a one-line reason. */
export function runHelper(interpreter: string, request: IntrospectionRequest, timeoutMs = DEFAULT_TIMEOUT_MS, helper = helperPath()): Promise<HelperAnswer> {
  return new Promise((resolve, reject) => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-introspect-'));
    const done = (err?: Error, answer?: HelperAnswer) => {
      clearTimeout(timer);
      fs.rm(scratch, { recursive: true, force: true }, () => undefined);
      if (err) reject(err);
      else resolve(answer!);
    };
    let child;
    try {
      child = spawn(interpreter, ['-B', helper], {
        cwd: scratch,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONIOENCODING: 'utf-8' },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (e) {
      fs.rm(scratch, { recursive: true, force: true }, () => undefined);
      reject(new Error(`cannot run ${interpreter}: ${(e as Error).message}`));
      return;
    }
    const kill = () => {
      try {
        if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(() => {
      kill();
      done(new Error(`the helper did not finish within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      out += d;
      if (out.length > MAX_OUTPUT) {
        kill();
        done(new Error('the helper printed too much'));
      }
    });
    child.stderr.on('data', (d: string) => {
      if (err.length < 64 * 1024) err += d;
    });
    child.on('error', (e) => done(new Error(`cannot run ${interpreter}: ${e.message}`)));
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const a = JSON.parse(line) as HelperAnswer;
        if (a.schema !== 1) throw new Error(`unknown answer schema ${a.schema}`);
        done(undefined, a);
      } catch {
        const tail = err.trim().split('\n').slice(-3).join(' | ');
        done(new Error(`${interpreter} exited with ${code}${tail ? `: ${tail}` : ''}`));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(request));
  });
}

export function helperPath(): string {
  return findAsset(path.join('python', 'hubcfg_introspect.py'));
}

/** Cached, de-duplicated introspection runs. */
export class Introspector {
  private cache = new Map<string, CacheEntry>();
  private running = new Map<string, Promise<CacheEntry>>();
  /** how many times the helper was started (for tests and the log) */
  runs = 0;

  constructor(private readonly log: (msg: string) => void = () => undefined, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  private key(interpreter: string, req: IntrospectionRequest): string {
    return `${interpreter}\u0000${req.classes.join(',')}\u0000${req.modules.join(',')}\u0000${req.importConfigNamed ? 'import' : ''}`;
  }

  private stamp(interpreter: string): string {
    let real = interpreter;
    try {
      real = fs.realpathSync(interpreter);
    } catch {
      /* as given */
    }
    return `${real}@${mtime(interpreter)}@${mtime(real)}`;
  }

  private fresh(e: CacheEntry, interpreter: string): boolean {
    const now = Date.now();
    if (now - e.checkedAt < RECHECK_MS) return true;
    e.checkedAt = now;
    if (e.stamp !== this.stamp(interpreter)) return false;
    return e.watch.every((w) => mtime(w.file) === w.mtimeMs);
  }

  /** The cached result for an interpreter and request, if any and still valid (no run). */
  peek(interpreter: string, req: IntrospectionRequest): CacheEntry | undefined {
    const k = this.key(interpreter, req);
    const e = this.cache.get(k);
    if (e && !this.fresh(e, interpreter)) {
      this.cache.delete(k);
      return undefined;
    }
    return e;
  }

  isRunning(interpreter: string, req: IntrospectionRequest): boolean {
    return this.running.has(this.key(interpreter, req));
  }

  /** Runs the helper unless a valid result is cached; resolves when there is a result (or error). */
  ensure(interpreter: string, req: IntrospectionRequest): Promise<CacheEntry> {
    const hit = this.peek(interpreter, req);
    if (hit) return Promise.resolve(hit);
    const k = this.key(interpreter, req);
    let p = this.running.get(k);
    if (p) return p;
    const stamp = this.stamp(interpreter);
    this.runs++;
    const t0 = Date.now();
    p = runHelper(interpreter, req, this.timeoutMs).then(
      (answer) => {
        const entry: CacheEntry = {
          stamp,
          checkedAt: Date.now(),
          watch: answer.watch.map((f) => ({ file: f, mtimeMs: mtime(f) })),
          answer,
          overlay: answer.jupyterhub ? overlayFromAnswer(answer, interpreter) : undefined,
        };
        this.log(
          answer.jupyterhub
            ? `introspection: JupyterHub ${answer.jupyterhub} in ${answer.python.executable}: ${Object.keys(answer.classes).length} classes in ${((Date.now() - t0) / 1000).toFixed(1)} s${answer.errors.length ? ` (${answer.errors.length} import problems: ${answer.errors.slice(0, 3).join('; ')})` : ''}`
            : `introspection: no JupyterHub in ${answer.python.executable} (${answer.errors[0] ?? 'not installed'})`,
        );
        return entry;
      },
      (e: Error) => {
        this.log(`introspection with ${interpreter} failed: ${e.message}`);
        return { stamp, checkedAt: Date.now(), watch: [], error: e.message } as CacheEntry;
      },
    );
    const tracked = p.then((entry) => {
      this.running.delete(k);
      this.cache.set(k, entry);
      return entry;
    });
    this.running.set(k, tracked);
    return tracked;
  }

  clear(): void {
    this.cache.clear();
  }
}

/** The state line for a cache entry (or its absence). */
export function describeState(entry: CacheEntry | undefined, running: boolean, interpreterLabel: string): IntrospectionState {
  if (running || !entry) return { state: 'running', interpreter: interpreterLabel, detail: `reading JupyterHub's own docs with ${interpreterLabel}…` };
  if (entry.error) return { state: 'failed', interpreter: interpreterLabel, detail: `introspection failed: ${entry.error}` };
  const a = entry.answer!;
  if (!a.jupyterhub) return { state: 'no-jupyterhub', interpreter: interpreterLabel, detail: `no JupyterHub in ${a.python.executable}: bundled docs only` };
  const n = Object.keys(a.classes).length;
  return { state: 'ready', interpreter: a.python.executable, jupyterhub: a.jupyterhub, classes: n, seconds: a.seconds, detail: `docs from JupyterHub ${a.jupyterhub} in ${a.python.executable} (${n} classes)` };
}
