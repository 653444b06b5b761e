import * as fs from 'fs';
import * as path from 'path';
import { analyze, detectKind, type EngineOptions, type Diagnostic } from '../engine';
import { fixAll } from '../fixes';
import { analyzeDeployment, combineResults, type DeploymentFileInput, type DeploymentFileResult } from '../deploy/analyze';
import { deploymentLabel, discoverDeployments, wrapperLayers } from '../deploy/discover';
import { expandArgs, describeFsError, DEFAULT_FILE_PATTERNS } from './files';
import { toSarif, type FileResult } from './sarif';
import { RULES, RULES_BY_ID } from '../rules';
import type { Severity, TrustLevel } from '../rules/types';
import { jupyterhubVersions, resolvePluginVersion, resolveVersion } from '../catalog/traits';
import { resolveChart } from '../catalog/z2jh';
import { startServer } from '../lsp/server';
import { findProjectConfig, withProjectConfig } from '../config/project';
import { ruleMarkdown, writeDocs } from '../docs/generate';

export const VERSION = '0.1.0';

const USAGE = `Usage:
  hubcfg check [options] PATH...     lint files, directories (walked for jupyterhub_config*.py and z2jh values) and globs
  hubcfg lsp --stdio | --node-ipc    start the language server
  hubcfg rules                       list the rules
  hubcfg explain RULE                show a rule's documentation

Options for check:
  --format text|json|sarif           output format (default: text)
  --jupyterhub-version X.Y           judge as this JupyterHub version (default: latest)
  --chart-version X.Y.Z              judge z2jh values as this chart version (default: from Chart.yaml, else latest)
  --plugin-version PKG=X.Y           judge a plugin as this release, e.g. oauthenticator=16.2 (repeatable;
                                     default: its current release)
  --trust trusted-users|untrusted-users
                                     who your users are (default: untrusted-users)
  --rule ID=SEVERITY|off             override a rule (repeatable; ID may be "category/*")
  --fix                              apply safe fixes in place, then report what is left
  --max-file-size N                  skip files larger than N characters (default 5242880)
  -h, --help                         this help;  --version  print the version

Exit status: 0 clean (no error-level finding), 1 error-level findings, 2 usage error, unreadable or
unwritable file, or a PATH with no file to check.`;

class UsageError extends Error {}

interface CheckArgs {
  format: 'text' | 'json' | 'sarif';
  fix: boolean;
  opts: EngineOptions;
  paths: string[];
  /** `--values`/`-f`: one deployment, in Helm's order */
  values: string[];
}

function parseCheckArgs(argv: string[]): CheckArgs {
  const a: CheckArgs = { format: 'text', fix: false, opts: { rules: {} }, paths: [], values: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format "${f}" (text, json or sarif)`);
        a.format = f;
        break;
      }
      case '--jupyterhub-version': {
        const v = value();
        try {
          resolveVersion(v);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        a.opts.jupyterhubVersion = v;
        break;
      }
      case '--chart-version': {
        const v = value();
        try {
          resolveChart(v);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        a.opts.chartVersion = v;
        break;
      }
      case '--plugin-version': {
        const pv = value();
        const m = /^([A-Za-z0-9_.-]+)=(\S+)$/.exec(pv);
        if (!m) throw new UsageError(`--plugin-version takes PACKAGE=VERSION, e.g. oauthenticator=16.2, not "${pv}"`);
        try {
          resolvePluginVersion(m[1], m[2]);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        (a.opts.pluginVersions ??= {})[m[1]] = m[2];
        break;
      }
      case '--trust': {
        const t = value();
        if (t !== 'trusted-users' && t !== 'untrusted-users') throw new UsageError(`--trust takes trusted-users or untrusted-users, not "${t}"`);
        a.opts.trust = t as TrustLevel;
        break;
      }
      case '--rule': {
        const r = value();
        const m = /^([a-z0-9*-]+(?:\/[a-z0-9*-]+)?)=(error|warning|information|hint|off)$/.exec(r);
        if (!m) throw new UsageError(`--rule takes ID=SEVERITY|off, e.g. traitlets/unknown-trait=error, not "${r}"`);
        if (!m[1].includes('*') && !RULES_BY_ID.has(m[1])) throw new UsageError(`unknown rule "${m[1]}" (see: hubcfg rules)`);
        a.opts.rules![m[1]] = m[2] as Severity | 'off';
        break;
      }
      case '--max-file-size': {
        const n = Number(value());
        if (!Number.isInteger(n) || n <= 0) throw new UsageError('--max-file-size takes a positive whole number');
        a.opts.maxFileSize = n;
        break;
      }
      case '--fix':
        a.fix = true;
        break;
      case '-f':
      case '--values':
        a.values.push(value());
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        a.paths.push(arg);
    }
  }
  if (!a.paths.length && !a.values.length) throw new UsageError('no files given');
  return a;
}

interface ReadText {
  text: string;
  skipReason?: string;
  /** the file starts with a UTF-8 byte order mark (not part of `text`; written back by --fix) */
  bom?: boolean;
}

function readText(file: string): ReadText {
  const buf = fs.readFileSync(file);
  try {
    let text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buf);
    const bom = text.charCodeAt(0) === 0xfeff;
    if (bom) text = text.slice(1);
    return { text, bom };
  } catch {
    return { text: new TextDecoder('utf-8').decode(buf), skipReason: 'the file is not valid UTF-8 text (Python cannot read it as a config)' };
  }
}

/** Why a file could not be written, for the user. */
class WriteError extends Error {}

/**
 * Replaces a file's content atomically: a temporary file beside the real file (a symbolic link is
 * followed, so the link stays and its target gets the new text) is written, flushed and renamed
 * over it, with the file's mode (and owner, when we may set it). When that fails the file is
 * left as it was and a WriteError says why.
 */
function writeAtomic(file: string, text: string): void {
  let real: string;
  let st: fs.Stats;
  try {
    real = fs.realpathSync(file);
    st = fs.statSync(real);
  } catch (e) {
    throw new WriteError(describeFsError(e));
  }
  const dir = path.dirname(real);
  const shownDir = real === path.resolve(file) ? path.dirname(file) : dir;
  const tmp = path.join(dir, `.${path.basename(real)}.hubcfg-${process.pid}-${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'wx', st.mode & 0o7777);
  } catch (e) {
    throw new WriteError(`${describeFsError(e)} (a temporary file cannot be created in ${shownDir}; the file is unchanged)`);
  }
  try {
    try {
      fs.writeFileSync(fd, text);
      // openSync's mode is masked by the umask: set it exactly
      fs.fchmodSync(fd, st.mode & 0o7777);
      if (typeof process.getuid === 'function' && process.getuid() === 0 && (st.uid !== 0 || st.gid !== 0)) fs.fchownSync(fd, st.uid, st.gid);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, real);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw new WriteError(`${describeFsError(e)} (the file is unchanged)`);
  }
}

const SEV_ORDER: Severity[] = ['error', 'warning', 'information', 'hint'];

function formatText(files: FileResult[]): string {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const f of files) {
    if (f.kind === 'unknown') {
      lines.push(`${f.path}: not a JupyterHub config or z2jh values file; skipped`);
      continue;
    }
    for (const d of f.diagnostics) {
      counts[d.severity]++;
      const fix = d.fixes.length ? ` (fix: ${d.fixes[0].applicability})` : '';
      lines.push(`${f.path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.rule}] ${d.message}${fix}`);
    }
  }
  const total = SEV_ORDER.reduce((s, k) => s + counts[k], 0);
  const checked = files.filter((f) => f.kind !== 'unknown').length;
  lines.push(total ? `${total} problem${total === 1 ? '' : 's'} (${SEV_ORDER.filter((k) => counts[k]).map((k) => `${counts[k]} ${k}`).join(', ')}) in ${checked} file${checked === 1 ? '' : 's'}` : `No problems in ${checked} file${checked === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

async function check(argv: string[]): Promise<number> {
  const args = parseCheckArgs(argv);
  const accept = (name: string) => DEFAULT_FILE_PATTERNS.some((re) => re.test(name));
  const { files, missing, dirs } = expandArgs(args.paths, accept);
  let status = 0;
  for (const m of missing) {
    process.stderr.write(`hubcfg: cannot read ${m.path}: ${m.reason}\n`);
    status = 2;
  }
  const checked = new Set<string>();
  const reported = new Set<string>();
  const texts = new Map<string, { text: string; skipReason?: string }>();
  const optionsOf = new Map<string, EngineOptions>();
  // first every file is read (and fixed, with --fix); then judged, alone or with its deployment
  for (const file of files) {
    let read: ReadText;
    try {
      read = readText(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      process.stderr.write(`hubcfg: cannot read ${file}: ${code === 'EISDIR' || code === 'ENOENT' || code === 'ELOOP' ? describeFsError(e) : (code ?? (e as Error).message)}\n`);
      status = 2;
      continue;
    }
    const opts = fileOptions(file, args, reported, read.skipReason);
    // a file named explicitly is a config even if its name does not say so
    if (/\.py$/i.test(file) && detectKind(file, read.text) === 'unknown' && args.paths.includes(file)) opts.kind = 'jupyterhub_config';
    if (args.fix && !read.skipReason) {
      const fixed = await fixAll(read.text, file, opts);
      if (fixed.text !== read.text) {
        try {
          writeAtomic(file, (read.bom ? '\ufeff' : '') + fixed.text);
          read.text = fixed.text;
          if (args.format === 'text') process.stderr.write(`hubcfg: ${file}: applied ${fixed.applied} fix${fixed.applied === 1 ? '' : 'es'}\n`);
        } catch (e) {
          if (!(e instanceof WriteError)) throw e;
          // the findings below are those of the file as it still is
          process.stderr.write(`hubcfg: cannot write ${file}: ${e.message}\n`);
          status = 2;
        }
      }
    }
    texts.set(file, read);
    optionsOf.set(file, opts);
  }
  const judged = args.values.length ? new Map<string, DeploymentFileResult[]>() : await judgeDeployments([...texts.keys()], texts, optionsOf, args, reported);
  const results: FileResult[] = [];
  for (const [file, read] of texts) {
    const inDeployments = judged.get(path.resolve(file));
    const r = inDeployments?.length ? combineResults(inDeployments) : await analyze(read.text, file, optionsOf.get(file)!);
    // YAML found by walking a directory that turns out not to be z2jh values is not worth a line
    if (r.kind === 'unknown' && !args.paths.includes(file) && /\.ya?ml$/i.test(file)) continue;
    results.push({ path: file.replace(/\\/g, '/'), kind: r.kind, diagnostics: r.diagnostics });
    checked.add(file);
  }
  if (args.values.length) status = Math.max(status, await checkDeployment(args, results));
  for (const d of dirs) {
    if (d.files.some((f) => checked.has(f))) continue;
    const what = d.files.length ? 'no JupyterHub config or z2jh values file among the files found in it' : 'no jupyterhub_config*.py or YAML file found in it';
    process.stderr.write(DEFAULT_FILE_PATTERNS[0].test(path.basename(d.path)) || /\.ya?ml$/i.test(d.path) ? `hubcfg: cannot read ${d.path}: is a directory (${what})\n` : `hubcfg: ${d.path}: ${what}\n`);
    status = 2;
  }
  // nothing was checked because of errors: a "No problems in 0 files" line would mislead (JSON and SARIF stay parseable)
  const out = args.format === 'json' ? JSON.stringify(toJson(results), null, 2) + '\n' : args.format === 'sarif' ? JSON.stringify(toSarif(results, VERSION), null, 2) + '\n' : status === 2 && !results.length ? '' : formatText(results);
  if (out) process.stdout.write(out);
  const hasError = results.some((f) => f.diagnostics.some((d) => d.severity === 'error'));
  return status === 2 ? 2 : hasError ? 1 : 0;
}

/** A file's options: the `.hubcfg.yaml` beside it (or above it) sets the project's defaults; command-line flags win. */
function fileOptions(file: string, args: CheckArgs, reported: Set<string>, skipReason?: string): EngineOptions {
  const project = findProjectConfig(file);
  if (project?.problems.length && !reported.has(project.path)) {
    reported.add(project.path);
    for (const p of project.problems) process.stderr.write(`hubcfg: ${project.path}: ${p}\n`);
  }
  const merged = withProjectConfig({}, project?.config);
  return {
    ...merged,
    ...Object.fromEntries(Object.entries(args.opts).filter(([k, v]) => k !== 'rules' && v !== undefined)),
    rules: { ...(merged.rules ?? {}), ...(args.opts.rules ?? {}) },
    pluginVersions: merged.pluginVersions || args.opts.pluginVersions ? { ...(merged.pluginVersions ?? {}), ...(args.opts.pluginVersions ?? {}) } : undefined,
    skipReason,
  };
}

/**
 * The values files that belong to declared deployments (.hubcfg.yaml, helmfile, Argo CD, cluster.yaml), each
 * deployment judged once with all its files (and its wrapper chart's values as a layer): results by file.
 */
async function judgeDeployments(files: string[], texts: Map<string, { text: string; skipReason?: string }>, optionsOf: Map<string, EngineOptions>, args: CheckArgs, reported: Set<string>): Promise<Map<string, DeploymentFileResult[]>> {
  const out = new Map<string, DeploymentFileResult[]>();
  const seen = new Set<string>();
  const byPath = new Map([...texts].map(([f, t]) => [path.resolve(f), t]));
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file)) continue;
    const found = discoverDeployments(file);
    for (const p of found.problems) {
      const key = `${p.file ?? ''}|${p.message}`;
      if (reported.has(key)) continue;
      reported.add(key);
      process.stderr.write(`hubcfg: ${p.file ? `${p.file}: ` : ''}${p.message}\n`);
    }
    for (const d of found.deployments) {
      const key = `${d.source.file ?? ''}|${d.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const inputs: DeploymentFileInput[] = [];
      const layers = d.chartDir ? wrapperLayers(d.chartDir).filter((l) => !d.files.includes(l)) : [];
      for (const f of [...layers, ...d.files]) {
        const mine = byPath.get(f);
        if (mine) {
          inputs.push({ path: f, text: mine.text, skipReason: mine.skipReason, layer: layers.includes(f) });
          continue;
        }
        try {
          const r = readText(f);
          inputs.push({ path: f, text: r.text, skipReason: r.skipReason, layer: true });
        } catch {
          // a file the deployment names that is not there (not decrypted, not checked out): judged without it
          if (!reported.has(f)) process.stderr.write(`hubcfg: ${f}: named by deployment ${deploymentLabel(d)} but cannot be read; judged without it\n`);
          reported.add(f);
        }
      }
      const opts = { ...(optionsOf.get(file) ?? {}), skipReason: undefined };
      const res = await analyzeDeployment({ name: deploymentLabel(d), chartVersion: args.opts.chartVersion ?? d.chartVersion, files: inputs }, opts);
      for (const r of res) {
        const k = path.resolve(r.path);
        if (!byPath.has(k)) continue;
        const list = out.get(k) ?? [];
        list.push(r);
        out.set(k, list);
      }
    }
  }
  return out;
}

/** `--values a.yaml --values b.yaml`: the files of one Helm release, judged together. Returns 2 if a file could not be read. */
async function checkDeployment(args: CheckArgs, results: FileResult[]): Promise<number> {
  let status = 0;
  const files: DeploymentFileInput[] = [];
  for (const file of args.values) {
    try {
      const read = readText(file);
      files.push({ path: file, text: read.text, skipReason: read.skipReason });
    } catch (e) {
      process.stderr.write(`hubcfg: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      status = 2;
    }
  }
  if (!files.length) return status;
  const opts = fileOptions(files[0].path, args, new Set());
  const name = `-f ${args.values.map((f) => path.basename(f)).join(' -f ')}`;
  for (const r of await analyzeDeployment({ name, files }, opts)) results.push({ path: r.path.replace(/\\/g, '/'), kind: r.kind, diagnostics: combineResults([r]).diagnostics });
  return status;
}

/** The JSON contract: {"version":1,"files":[{"path","kind","diagnostics":[{rule,severity,message,range,fixes}]}]} */
export function toJson(files: FileResult[]): { version: 1; files: { path: string; kind: string; diagnostics: Diagnostic[] }[] } {
  return {
    version: 1,
    files: files.map((f) => ({
      path: f.path,
      kind: f.kind,
      diagnostics: f.diagnostics.map((d) => ({ rule: d.rule, severity: d.severity, message: d.message, range: d.range, fixes: d.fixes.map((x) => ({ title: x.title, applicability: x.applicability, edits: x.edits.map((e) => ({ range: e.range, newText: e.newText })) })) })),
    })),
  };
}

let pipeGuard = false;

/**
 * A reader that stops early (`hubcfg rules | head -1`) closes the pipe: further output is dropped
 * quietly instead of an EPIPE stack trace; the exit status stays the command's own.
 */
function quietOnClosedPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd !== 'lsp') quietOnClosedPipe();
  try {
    switch (cmd) {
      case 'check':
        return await check(rest);
      case 'lsp': {
        startServer();
        return -1; // keep running
      }
      case 'rules':
        for (const r of RULES) process.stdout.write(`${r.id.padEnd(34)} ${r.severity.padEnd(12)} ${r.title}\n`);
        return 0;
      case 'explain': {
        const r = RULES_BY_ID.get(rest[0] ?? '');
        if (!r) throw new UsageError(`unknown rule "${rest[0] ?? ''}" (see: hubcfg rules)`);
        process.stdout.write(ruleMarkdown(r));
        return 0;
      }
      case 'gen-docs': {
        const root = rest[0] ?? process.cwd();
        const changed = writeDocs(root, rest.includes('--check'));
        if (rest.includes('--check') && changed.length) {
          process.stderr.write(`hubcfg: generated docs are stale: ${changed.join(', ')} (run npm run docs)\n`);
          return 1;
        }
        return 0;
      }
      case '--version':
      case '-v':
        process.stdout.write(`hubcfg ${VERSION} (JupyterHub catalogues: ${jupyterhubVersions().keys.join(', ')})\n`);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`hubcfg: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`hubcfg: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 2;
    },
  );
}
