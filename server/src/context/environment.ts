import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type { ChartSetting, ConfigModel, Value } from '../model/types';
import { NON_SECRET_ENV } from '../catalog/envDefaults';

/**
 * What the deployment supplies to the hub process beside the config file: environment variables
 * set by a docker-compose service that runs the hub (`environment:`, `env_file:`, the `ENV` lines of
 * the image it builds), a `.env` or a systemd unit beside the config, or, for z2jh values, the
 * chart itself and `hub.extraEnv`. Nothing is executed; only files are read.
 */
export interface SuppliedVar {
  /** where it comes from, for messages: "docker-compose.yml (service hub, environment)" */
  source: string;
  /** the value, only for variables that hold no secret (a tenant id, a domain) and only when literal */
  value?: string;
  /** z2jh: set by the chart's own templates, whatever the values say */
  chart?: true;
}

export interface Environment {
  /** variables known to be set, by name */
  names: Map<string, SuppliedVar>;
  /** sources whose variables could not be read (an env_file that is not there): they may set more */
  unread: string[];
}

/** How the module reads files: a callback, so tests and the language server can supply unsaved text. */
export interface EnvIO {
  /** the file's text, or undefined when it does not exist or cannot be read */
  readFile(file: string): string | undefined;
  /** the names in a folder (optional: without it only fixed file names are tried) */
  listDir?(dir: string): string[] | undefined;
}

const MAX_BYTES = 1024 * 1024;

export const diskIO: EnvIO = {
  readFile(file) {
    try {
      const st = fs.statSync(file);
      if (!st.isFile() || st.size > MAX_BYTES) return undefined;
      return fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
  listDir(dir) {
    try {
      return fs.readdirSync(dir);
    } catch {
      return undefined;
    }
  },
};

/** A reader that prefers the given texts (open documents) over the disk. */
export function overlayIO(texts: (file: string) => string | undefined, base: EnvIO = diskIO): EnvIO {
  return { readFile: (f) => texts(f) ?? base.readFile(f), listDir: base.listDir };
}

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const COMPOSE_OVERRIDES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];
const DOCKERFILE_NAMES = ['Dockerfile', 'Dockerfile.jupyterhub', 'Dockerfile.hub', 'jupyterhub.Dockerfile', 'hub.Dockerfile'];
/** how many folders above the config's own a compose file may sit (jupyterhub-deploy-docker keeps the config in ./config) */
const PARENT_LEVELS = 3;

/** Whether a file name is one this module reads (for the language server: re-check configs when it changes). */
export function isEnvironmentFile(file: string): boolean {
  const b = path.basename(file);
  return COMPOSE_NAMES.includes(b) || COMPOSE_OVERRIDES.includes(b) || b === '.env' || /\.env$/.test(b) || /^Dockerfile|\.Dockerfile$/.test(b) || /\.service$/.test(b);
}

/**
 * The environment the deployment supplies to the hub that runs this config, or undefined when
 * nothing beside the config says anything (rules then judge the file alone, as before).
 */
export function environmentFor(configPath: string, model: ConfigModel, io: EnvIO = diskIO): Environment | undefined {
  const env: Environment = { names: new Map(), unread: [] };
  // each file is read once per call (existence checks and parsing ask for the same files)
  const cache = new Map<string, string | undefined>();
  const base = io;
  io = {
    readFile: (f) => {
      if (!cache.has(f)) cache.set(f, base.readFile(f));
      return cache.get(f);
    },
    listDir: base.listDir ? (d) => base.listDir!(d) : undefined,
  };
  try {
    if (model.kind === 'z2jh_values') fromValues(model.chart, env);
    else if (model.kind === 'jupyterhub_config' && configPath) fromFiles(path.resolve(configPath), io, env);
  } catch {
    // a file we cannot make sense of supplies nothing; the analysis goes on
  }
  return env.names.size || env.unread.length ? env : undefined;
}

function add(env: Environment, name: string, source: string, value?: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name) || env.names.has(name)) return;
  env.names.set(name, NON_SECRET_ENV.has(name) && value !== undefined ? { source, value } : { source });
}

// ---------------------------------------------------------------- z2jh values

/** hub pod variables the chart sets itself (templates/hub/deployment.yaml) */
const CHART_ENV: [string, string][] = [
  ['PYTHONUNBUFFERED', 'the chart'],
  ['HELM_RELEASE_NAME', 'the chart'],
  ['POD_NAMESPACE', 'the chart'],
  ['CONFIGPROXY_AUTH_TOKEN', "the chart (from its own hub Secret)"],
];

const CHART_OVERRIDES = new Set(['JPY_COOKIE_SECRET', 'JUPYTERHUB_CRYPT_KEY']);

function fromValues(chart: ChartSetting[], env: Environment): void {
  if (!chart.length) return;
  for (const [n, s] of CHART_ENV) {
    add(env, n, s);
    env.names.get(n)!.chart = true;
  }
  const at = (p: string) => chart.filter((s) => s.path.join('.') === p);
  for (const s of at('hub.extraEnv')) {
    for (const v of extraEnvVars(s.value)) {
      // the chart's jupyterhub_config.py sets cookie_secret and CryptKeeper.keys from its Secret: these variables change nothing
      if (!v.set || CHART_OVERRIDES.has(v.name)) continue;
      add(env, v.name, v.from ? `hub.extraEnv (${v.from})` : 'hub.extraEnv', v.literal);
    }
  }
  // the chart's jupyterhub_config.py exports the database password for the driver when it finds one
  const dbType = lastStr(at('hub.db.type'));
  const pwdVar = dbType === 'mysql' ? 'MYSQL_PWD' : dbType === 'postgres' ? 'PGPASSWORD' : undefined;
  if (pwdVar) {
    const pw = at('hub.db.password').pop();
    const existing = lastStr(at('hub.existingSecret'));
    if (pw && !(pw.value.kind === 'none' || (pw.value.kind === 'str' && !pw.value.value))) add(env, pwdVar, 'hub.db.password (set by the chart)');
    else if (existing) add(env, pwdVar, `hub.existingSecret ${existing} (key hub.db.password)`);
  }
}

function lastStr(list: ChartSetting[]): string | undefined {
  const v = list[list.length - 1]?.value;
  return v?.kind === 'str' && v.value.trim() ? v.value : undefined;
}

function fieldOf(v: Value | undefined, key: string): Value | undefined {
  if (v?.kind !== 'dict') return undefined;
  for (let i = v.entries.length - 1; i >= 0; i--) {
    const e = v.entries[i];
    if (e.key.kind === 'str' && e.key.value === key) return e.value;
  }
  return undefined;
}

/** The variables of an extraEnv value (mapping or Kubernetes list form) and whether each is set. */
function extraEnvVars(v: Value): { name: string; set: boolean; from?: string; literal?: string }[] {
  const one = (name: string, body: Value | undefined, direct: boolean) => {
    if (direct) return { name, set: literalSet(body), literal: literalOf(body) };
    const value = fieldOf(body, 'value');
    const from = fieldOf(body, 'valueFrom');
    if (from?.kind === 'dict') {
      const ref = fieldOf(from, 'secretKeyRef');
      const secret = ref ? fieldOf(ref, 'name') : undefined;
      const kind = from.entries[0]?.key.kind === 'str' ? from.entries[0].key.value : 'valueFrom';
      return { name, set: true, from: ref ? `from the Secret ${secret?.kind === 'str' ? secret.value : '?'}` : kind };
    }
    return { name, set: literalSet(value), literal: literalOf(value) };
  };
  const out: { name: string; set: boolean; from?: string; literal?: string }[] = [];
  if (v.kind === 'dict') {
    for (const e of v.entries) {
      if (e.key.kind !== 'str') continue;
      if (e.value.kind === 'dict') {
        const n = fieldOf(e.value, 'name');
        out.push(one(n?.kind === 'str' ? n.value : e.key.value, e.value, false));
      } else out.push(one(e.key.value, e.value, true));
    }
  } else if (v.kind === 'list') {
    for (const item of v.items) {
      const n = fieldOf(item, 'name');
      if (n?.kind === 'str') out.push(one(n.value, item, false));
    }
  }
  return out;
}

function literalSet(v: Value | undefined): boolean {
  if (!v || v.kind === 'none') return false;
  if (v.kind === 'str') return v.value !== '';
  return true;
}

function literalOf(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'str') return v.value;
  if (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') return String(v.value);
  return undefined;
}

// ---------------------------------------------------------------- files beside a jupyterhub_config.py

function fromFiles(configPath: string, io: EnvIO, env: Environment): void {
  const configDir = path.dirname(configPath);
  let dir = configDir;
  for (let level = 0; level <= PARENT_LEVELS; level++) {
    if (fromCompose(dir, configPath, io, env)) return;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  // no compose file runs the hub: what sits beside the config is its environment
  const dotenv = io.readFile(path.join(configDir, '.env'));
  if (dotenv !== undefined) for (const [k, v] of parseDotenv(dotenv)) if (v !== '') add(env, k, '.env', v);
  const names = io.listDir?.(configDir) ?? [];
  const dockerfiles = [...new Set([...DOCKERFILE_NAMES, ...names.filter((n) => /^Dockerfile\.|\.Dockerfile$/.test(n))])];
  for (const name of dockerfiles) {
    const text = io.readFile(path.join(configDir, name));
    if (text !== undefined && looksLikeHubImage(text)) fromDockerfile(text, name, env);
  }
  for (const name of names.filter((n) => /\.service$/.test(n)).sort()) {
    const text = io.readFile(path.join(configDir, name));
    if (text !== undefined) fromSystemdUnit(text, name, configDir, io, env);
  }
}

interface ComposeService {
  name: string;
  /** the service's mapping in each compose file that defines it (the override file after the main one) */
  parts: { file: string; body: Record<string, unknown> }[];
}

/** Reads the compose file(s) of a folder; true when one of them has a service that runs the hub. */
function fromCompose(dir: string, configPath: string, io: EnvIO, env: Environment): boolean {
  const main = COMPOSE_NAMES.find((n) => io.readFile(path.join(dir, n)) !== undefined);
  if (!main) return false;
  const override = COMPOSE_OVERRIDES.find((n) => io.readFile(path.join(dir, n)) !== undefined);
  const dotenvText = io.readFile(path.join(dir, '.env'));
  const vars = new Map(dotenvText !== undefined ? parseDotenv(dotenvText) : []);
  const services = new Map<string, ComposeService>();
  for (const file of override ? [main, override] : [main]) {
    let doc: unknown;
    try {
      doc = parse(io.readFile(path.join(dir, file)) ?? '', { maxAliasCount: 100 });
    } catch {
      continue;
    }
    const svcs = isMap(doc) ? doc.services : undefined;
    if (!isMap(svcs)) continue;
    for (const [name, body] of Object.entries(svcs)) {
      if (!isMap(body)) continue;
      const s = services.get(name) ?? { name, parts: [] };
      s.parts.push({ file, body });
      services.set(name, s);
    }
  }
  const list = [...services.values()];
  const mounting = list.filter((s) => s.parts.some((p) => mountsConfig(p.body, dir, configPath, vars)));
  const hubs = mounting.length ? mounting : list.filter((s) => runsHub(s, dir, io, vars));
  if (!hubs.length) return false;
  for (const s of hubs) {
    for (const { file, body } of s.parts) {
      const where = `${file}, service ${s.name}`;
      for (const e of envFiles(body.env_file)) {
        const text = io.readFile(path.resolve(dir, interpolate(e.path, vars).value));
        if (text === undefined) {
          if (e.required) env.unread.push(`${e.path} (env_file of service ${s.name} in ${file}, not found)`);
          continue;
        }
        for (const [k, v] of parseDotenv(text)) if (v !== '') add(env, k, `${e.path} (env_file of ${where})`, v);
      }
      for (const [k, raw] of environmentEntries(body.environment)) {
        if (raw === undefined) {
          // `- NAME` / `NAME:` without a value: passed through from the shell (or .env) that runs compose
          const fromDotenv = vars.get(k);
          if (fromDotenv !== '') add(env, k, `${where} (environment, from the shell or .env)`, fromDotenv);
          continue;
        }
        const r = interpolate(raw, vars);
        if (r.value === '' && r.known) continue;
        add(env, k, `${where} (environment)`, r.known ? r.value : undefined);
      }
      const df = dockerfileOf(body, dir, vars);
      const text = df ? io.readFile(df) : undefined;
      if (df && text !== undefined) fromDockerfile(text, path.relative(dir, df) || path.basename(df), env);
    }
  }
  return true;
}

/** The Dockerfile a service builds its image from, if it builds one. */
function dockerfileOf(body: Record<string, unknown>, dir: string, vars: Map<string, string>): string | undefined {
  const build = body.build;
  const ctxDir = typeof build === 'string' ? build : isMap(build) && typeof build.context === 'string' ? build.context : undefined;
  if (ctxDir === undefined || /^[a-z]+:\/\//i.test(ctxDir)) return undefined; // a git URL is not read
  const df = isMap(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
  return path.resolve(dir, interpolate(ctxDir, vars).value, interpolate(df, vars).value);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `environment:` as a mapping or a list of NAME=value / NAME items; undefined value = from the shell. */
function environmentEntries(v: unknown): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  if (isMap(v)) {
    for (const [k, val] of Object.entries(v)) out.push([k, val === null || val === undefined ? undefined : String(val)]);
  } else if (Array.isArray(v)) {
    for (const item of v) {
      if (typeof item !== 'string') continue;
      const i = item.indexOf('=');
      out.push(i < 0 ? [item.trim(), undefined] : [item.slice(0, i).trim(), item.slice(i + 1)]);
    }
  }
  return out;
}

function envFiles(v: unknown): { path: string; required: boolean }[] {
  const items = typeof v === 'string' ? [v] : Array.isArray(v) ? v : [];
  const out: { path: string; required: boolean }[] = [];
  for (const it of items) {
    if (typeof it === 'string') out.push({ path: it, required: true });
    else if (isMap(it) && typeof it.path === 'string') out.push({ path: it.path, required: it.required !== false });
  }
  return out;
}

/** Compose variable interpolation against the .env values; `known` is false when a part comes from the shell. */
function interpolate(s: string, vars: Map<string, string>): { value: string; known: boolean } {
  let known = true;
  const value = s.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced: string, op: string, arg: string, bare: string) => {
    if (m === '$$') return '$';
    const name = braced ?? bare;
    const has = vars.has(name);
    const val = vars.get(name);
    if (!op) {
      if (!has) known = false;
      return val ?? '';
    }
    const empty = op.startsWith(':') ? !val : !has;
    if (op.endsWith('-')) {
      if (!has && !arg) known = false; // the shell may set it
      return empty ? arg : val!;
    }
    if (op.endsWith('?')) {
      if (!has) known = false; // compose refuses to start without it: when it runs, it is set
      return val ?? '';
    }
    // :+ / +: the alternative when set
    if (!has) known = false;
    return empty ? '' : arg;
  });
  return { value, known };
}

/** Whether a service mounts the config file (or a folder holding it) from the host. */
function mountsConfig(body: Record<string, unknown>, dir: string, configPath: string, vars: Map<string, string>): boolean {
  const vols = Array.isArray(body.volumes) ? body.volumes : [];
  for (const v of vols) {
    let src: string | undefined;
    if (typeof v === 'string') {
      const parts = v.split(':');
      // "C:\..." on Windows hosts is not handled; a named volume has no path separator
      if (parts.length >= 2) src = parts[0];
    } else if (isMap(v) && (v.type === undefined || v.type === 'bind') && typeof v.source === 'string') src = v.source;
    if (!src) continue;
    src = interpolate(src, vars).value;
    if (!/^[.~/]/.test(src)) continue; // a named volume
    if (src.startsWith('~')) continue;
    const abs = path.resolve(dir, src);
    if (abs === configPath || configPath.startsWith(abs.endsWith(path.sep) ? abs : abs + path.sep)) return true;
  }
  return false;
}

const HUB_WORD = /(^|[\s"'[,/])jupyterhub(\s|$|["',\]])/;

/** A service that looks like it runs the hub: its command, image, name or the image it builds says so. */
function runsHub(s: ComposeService, dir: string, io: EnvIO, vars: Map<string, string>): boolean {
  if (/^(jupyter)?hub$/i.test(s.name)) return true;
  const words = (v: unknown) => (Array.isArray(v) ? v.map(String).join(' ') : typeof v === 'string' ? v : '');
  for (const { body } of s.parts) {
    if (HUB_WORD.test(words(body.command)) || HUB_WORD.test(words(body.entrypoint))) return true;
    const image = typeof body.image === 'string' ? body.image : '';
    if (/(^|\/)jupyterhub\/jupyterhub(:|@|$)|(^|\/)k8s-hub(:|@|$)/.test(image)) return true;
    const df = dockerfileOf(body, dir, vars);
    const text = df ? io.readFile(df) : undefined;
    if (text !== undefined && looksLikeHubImage(text)) return true;
  }
  return false;
}

function looksLikeHubImage(text: string): boolean {
  return /^\s*FROM\s+\S*jupyterhub\/jupyterhub\b/im.test(text) || /^\s*(CMD|ENTRYPOINT)\b.*\bjupyterhub\b/im.test(text) || /jupyterhub_config\.py/.test(text) || /\b(pip|conda|mamba)\b.*\binstall\b.*\bjupyterhub\b/i.test(text);
}

/** Joins backslash-continued lines of a Dockerfile or unit file. */
function logicalLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').replace(/\\\n/g, ' ').split('\n');
}

/** `ENV` lines of the final build stage (and the stages it builds on). */
function fromDockerfile(text: string, name: string, env: Environment): void {
  const stages: { alias?: string; base: string; env: [string, string][] }[] = [];
  for (const line of logicalLines(text)) {
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) {
      stages.push({ base: from[1], alias: from[2]?.toLowerCase(), env: [] });
      continue;
    }
    const m = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!m || !stages.length) continue;
    stages[stages.length - 1].env.push(...parseEnvInstruction(m[1]));
  }
  let stage: (typeof stages)[number] | undefined = stages[stages.length - 1];
  const seen = new Set<unknown>();
  while (stage && !seen.has(stage)) {
    seen.add(stage);
    for (const [k, v] of stage.env) if (v !== '') add(env, k, `${name} (ENV)`, /\$/.test(v) ? undefined : v);
    const base = stage.base.toLowerCase();
    stage = stages.find((s) => s.alias === base);
  }
}

/** `ENV A=1 B="two words"` or the legacy `ENV A some value`. */
function parseEnvInstruction(rest: string): [string, string][] {
  const t = rest.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(t);
    return m ? [[m[1], m[2].trim()]] : [];
  }
  return shellAssignments(t);
}

/** NAME=value words, with "double" / 'single' quotes and backslash escapes. */
function shellAssignments(s: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s"'\\]|\\.)*)/g;
  for (const m of s.matchAll(re)) out.push([m[1], unquote(m[2])]);
  return out;
}

function unquote(v: string): string {
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1);
  return v.replace(/\\(.)/g, '$1');
}

/** A dotenv / env_file / EnvironmentFile: NAME=value lines (optionally `export NAME=value`), # comments. */
export function parseDotenv(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^["']/.test(v)) {
      const q = v[0];
      const end = v.indexOf(q, 1);
      v = end > 0 ? v.slice(1, end) : v.slice(1);
    } else v = v.replace(/\s+#.*$/, '').trim();
    out.push([m[1], v]);
  }
  return out;
}

/** A systemd unit that starts the hub: its `Environment=` assignments and `EnvironmentFile=` files. */
function fromSystemdUnit(text: string, name: string, dir: string, io: EnvIO, env: Environment): void {
  const lines = logicalLines(text);
  if (!lines.some((l) => /^\s*ExecStart\s*=.*\bjupyterhub\b/.test(l))) return;
  for (const line of lines) {
    const e = /^\s*Environment\s*=\s*(.*)$/.exec(line);
    if (e) {
      for (const [k, v] of shellAssignments(e[1].replace(/"([A-Za-z_][A-Za-z0-9_]*)=/g, '$1="'))) if (v !== '') add(env, k, `${name} (Environment=)`, v);
      continue;
    }
    const f = /^\s*EnvironmentFile\s*=\s*(-?)(.*)$/.exec(line);
    if (!f) continue;
    const file = f[2].trim();
    if (!file) continue;
    // the unit names a path on the hub's machine: read it there, or a copy of that name beside the unit
    const text2 = io.readFile(file) ?? io.readFile(path.join(dir, path.basename(file)));
    if (text2 === undefined) {
      if (!f[1]) env.unread.push(`${file} (EnvironmentFile of ${name}, not found)`);
      continue;
    }
    for (const [k, v] of parseDotenv(text2)) if (v !== '') add(env, k, `${path.basename(file)} (EnvironmentFile of ${name})`, v);
  }
}
