// The CLI half of the fuzzer: mutated files in batches through `dist/cli.js check --format json`,
// a failing batch narrowed to its file, the file minimised; `--fix` on copies now and then.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng, caseSeed } from './prng.mjs';
import { mutate } from './mutators.mjs';
import { minimizeBytes } from './minimize.mjs';
import { ROOT, run, checkCliRun, decodeLikeCli, signature } from './common.mjs';

const CLI = path.join(ROOT, 'dist', 'cli.js');
const FILE_LIMIT_MS = 10_000;
const JH_VERSIONS = ['latest', 'latest', 'latest', '2.3', '3.0', '4.1', '5.4.4', '5.5', '6.0'];
const CHART_VERSIONS = ['3', '4.1', 'main', '2.0.0'];
const YAML_NAMES = ['values.yaml', 'values.yaml', 'config.yaml', 'values-prod.yml', 'z2jh.yaml'];
const PY_NAMES = ['jupyterhub_config.py', 'jupyterhub_config.py', 'jupyterhub_config_local.py'];

/** One fuzz case: a mutated corpus file, sometimes with a Chart.yaml beside it. Deterministic from (seed, index). */
export function makeCase(seed, index, corpus) {
  const rng = new Rng(caseSeed(seed, index));
  const entry = rng.pick(corpus);
  const { bytes, steps } = mutate(entry, corpus, rng);
  const name = entry.kind === 'py' ? rng.pick(PY_NAMES) : rng.pick(YAML_NAMES);
  const extra = {};
  if (entry.kind === 'yaml' && rng.chance(0.1)) {
    const version = rng.pick(['4.3.2', '3.3.8', '4.0.0', '1.2.0', '99.0', 'x', '>=3', '4.x', '']);
    extra['Chart.yaml'] = Buffer.from(`apiVersion: v2\nname: hub\nversion: 1.0.0\ndependencies:\n  - name: jupyterhub\n    version: ${version}\n`);
  }
  return { index, source: entry.path, steps, name, bytes, extra };
}

function batchOptions(rng) {
  const args = [];
  if (rng.chance(0.25)) args.push('--jupyterhub-version', rng.pick(JH_VERSIONS));
  if (rng.chance(0.1)) args.push('--chart-version', rng.pick(CHART_VERSIONS));
  if (rng.chance(0.2)) args.push('--trust', 'trusted-users');
  return args;
}

function writeCase(dir, c) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, c.name);
  fs.writeFileSync(file, c.bytes);
  for (const [n, b] of Object.entries(c.extra)) fs.writeFileSync(path.join(dir, n), b);
  return file;
}

const cliArgs = (opts, files, fix = false) => [CLI, 'check', '--format', 'json', ...(fix ? ['--fix'] : []), ...opts, ...files];

/** Runs one file alone and returns its problems (per-file and batch-level alike). */
async function checkAlone(file, opts, killMs = FILE_LIMIT_MS * 3) {
  const res = await run(process.execPath, cliArgs(opts, [file]), { cwd: path.dirname(file), killMs });
  const bytes = fs.readFileSync(file);
  const r = checkCliRun(res, [file], new Map([[file, decodeLikeCli(bytes)]]), FILE_LIMIT_MS);
  return { problems: [...r.batch, ...(r.perFile.get(file) ?? [])], res, result: r.results.get(file) };
}

/** Python's own verdict on .py files (compile), when python3 is there: Map(file -> true|false). */
async function pythonCompiles(files) {
  const script = 'import sys,json\nr={}\nfor p in sys.argv[1:]:\n  try:\n    compile(open(p,"rb").read(),p,"exec",dont_inherit=True); r[p]=True\n  except BaseException: r[p]=False\nprint(json.dumps(r))';
  const res = await run('python3', ['-c', script, ...files], { killMs: 30000 });
  if (res.code !== 0) return new Map();
  try {
    return new Map(Object.entries(JSON.parse(res.stdout)));
  } catch {
    return new Map();
  }
}

let yamlLib;
async function yamlParses(bytes) {
  yamlLib ??= await import(path.join(ROOT, 'node_modules', 'yaml', 'dist', 'index.js')).then((m) => m.default ?? m);
  try {
    const docs = yamlLib.parseAllDocuments(bytes.toString('utf8'), { uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [docs];
    return { ok: list.every((d) => !d.errors?.length), docs: list.length };
  } catch {
    return { ok: false, docs: -1 };
  }
}

/**
 * --fix on copies of files that had a safe fix: the result still parses where the original did (hubcfg's
 * own syntax/parse-error, python3's compile, the yaml package), a second --fix changes nothing, no temp
 * files are left, a BOM stays. Returns [{ file, check, detail }].
 */
async function fixCheck(dir, items, opts) {
  const problems = [];
  const files = [];
  for (const it of items) {
    const d = path.join(dir, String(it.c.index));
    files.push({ ...it, copy: writeCase(d, it.c) });
  }
  const paths = files.map((f) => f.copy);
  const pyBefore = await pythonCompiles(paths.filter((p) => p.endsWith('.py')));
  const yamlBefore = new Map();
  for (const f of files) if (!f.copy.endsWith('.py')) yamlBefore.set(f.copy, await yamlParses(f.c.bytes));
  const res1 = await run(process.execPath, cliArgs(opts, paths, true), { cwd: dir, killMs: 120000 });
  const texts1 = new Map(paths.map((p) => [p, decodeLikeCli(fs.readFileSync(p))]));
  const r1 = checkCliRun(res1, paths, texts1, 0);
  for (const p of r1.batch) problems.push({ file: undefined, check: 'fix-' + p.check.replace(/^cli-/, ''), detail: p.detail });
  if (r1.batch.length) return { problems, files };
  const after1 = new Map(paths.map((p) => [p, fs.readFileSync(p)]));
  const pyAfter = await pythonCompiles(paths.filter((p) => p.endsWith('.py')));
  for (const f of files) {
    const p = f.copy;
    for (const x of r1.perFile.get(p) ?? []) problems.push({ file: f, check: 'fix-' + x.check.replace(/^cli-/, ''), detail: x.detail });
    const before = f.result;
    const after = r1.results.get(p);
    const parseErr = (r) => !!r?.diagnostics?.some((d) => d.rule === 'syntax/parse-error');
    if (before && after && !parseErr(before) && parseErr(after)) problems.push({ file: f, check: 'fix-breaks-parse', detail: 'hubcfg reports syntax/parse-error after --fix on a file that parsed' });
    if (pyBefore.get(p) === true && pyAfter.get(p) === false) problems.push({ file: f, check: 'fix-breaks-python', detail: 'python3 compiles the file before --fix, not after' });
    if (yamlBefore.has(p)) {
      const yb = yamlBefore.get(p);
      const ya = await yamlParses(after1.get(p));
      if (yb.ok && !ya.ok) problems.push({ file: f, check: 'fix-breaks-yaml', detail: 'the yaml package parses the file (unique keys) before --fix, not after' });
      else if (yb.ok && yb.docs !== ya.docs) problems.push({ file: f, check: 'fix-breaks-yaml', detail: `${yb.docs} YAML documents before --fix, ${ya.docs} after` });
    }
    if (f.c.bytes[0] === 0xef && f.c.bytes[1] === 0xbb && f.c.bytes[2] === 0xbf && !(after1.get(p)[0] === 0xef && after1.get(p)[1] === 0xbb)) problems.push({ file: f, check: 'fix-drops-bom', detail: '--fix removed the UTF-8 BOM' });
  }
  // the second --fix is a no-op
  const res2 = await run(process.execPath, cliArgs(opts, paths, true), { cwd: dir, killMs: 120000 });
  if (res2.code !== 0 && res2.code !== 1) problems.push({ file: undefined, check: 'fix-exit-code', detail: `second --fix exited ${res2.code}` });
  for (const f of files) {
    if (!fs.readFileSync(f.copy).equals(after1.get(f.copy))) problems.push({ file: f, check: 'fix-not-idempotent', detail: 'a second --fix changed the file again' });
  }
  for (const f of files) {
    const left = fs.readdirSync(path.dirname(f.copy)).filter((n) => /hubcfg.*\.tmp$/.test(n));
    if (left.length) problems.push({ file: f, check: 'fix-temp-left', detail: `temp files left: ${left.join(', ')}` });
  }
  return { problems, files };
}

/**
 * Minimises the bytes of a failing case for `stillFails(bytes)`, then records it.
 */
async function minimiseAndRecord(log, opts, c, problem, stillFails, where, minimiseSeconds) {
  const sig = signature(problem.check, problem.detail);
  const files = { [`original/${c.name}`]: c.bytes };
  for (const [n, b] of Object.entries(c.extra)) files[`original/${n}`] = b;
  let min;
  if (log.seen(sig) === 0 && minimiseSeconds > 0) {
    const m = await minimizeBytes(c.bytes, stillFails, { seconds: minimiseSeconds, tests: 400 });
    min = m;
    files[`minimised/${c.name}`] = m.bytes;
    for (const [n, b] of Object.entries(c.extra)) files[`minimised/${n}`] = b;
  }
  const cmdFile = min ? `minimised/${c.name}` : `original/${c.name}`;
  return log.record(
    {
      check: problem.check,
      detail: problem.detail,
      where: `${where}; case ${c.index} (${c.source}; mutators: ${c.steps.join(', ')})`,
      minimised: min ? min.bytes.toString('utf8') : undefined,
      minimisedBytes: min?.bytes.length,
      minimiseTests: min?.tests,
      command: `node dist/cli.js check --format json ${problem.check.startsWith('fix-') ? '--fix ' : ''}${opts.join(' ')} <dir>/${cmdFile}`.replace(/ +/g, ' '),
      repeat: log.seen(sig) > 0,
    },
    files,
  );
}

/** A scratch file for one predicate call (the CLI reads the file; names matter for the kind). */
function scratch(dir, c, bytes) {
  fs.rmSync(dir, { recursive: true, force: true });
  return writeCase(dir, { ...c, bytes });
}

/**
 * Runs the CLI fuzzer until `deadline` (ms since epoch). Returns stats.
 */
export async function fuzzCli({ seed, corpus, deadline, work, log, batchSize = 40, minimiseSeconds = 60, fixEvery = 2, verbose = false, startIndex = 0 }) {
  const stats = { inputs: 0, batches: 0, fixChecked: 0, maxBatchMs: 0, maxFileMs: 0 };
  const rng = new Rng(seed ^ 0x5bd1e995);
  let index = startIndex;
  const minDeadline = () => Math.max(5, Math.min(minimiseSeconds, (deadline - Date.now()) / 1000 + minimiseSeconds / 2));
  while (Date.now() < deadline) {
    const opts = batchOptions(rng);
    const bdir = path.join(work, `batch-${stats.batches}`);
    fs.rmSync(bdir, { recursive: true, force: true });
    const cases = [];
    for (let i = 0; i < batchSize; i++) cases.push(makeCase(seed, index++, corpus));
    const files = cases.map((c) => writeCase(path.join(bdir, String(c.index)), c));
    const texts = new Map(files.map((f, i) => [f, decodeLikeCli(cases[i].bytes)]));
    const res = await run(process.execPath, cliArgs(opts, files), { cwd: bdir, killMs: Math.max(60000, batchSize * 2000) });
    stats.batches++;
    stats.inputs += cases.length;
    stats.maxBatchMs = Math.max(stats.maxBatchMs, res.ms);
    // a batch over 1 s a file on average is worth timing file by file
    const r = checkCliRun(res, files, texts, batchSize * 1000);
    if (verbose) console.log(`batch ${stats.batches - 1}: ${cases.length} files, exit ${res.code}, ${res.ms} ms`);
    const suspects = new Set();
    if (r.batch.length) files.forEach((_, i) => suspects.add(i));
    for (const [f] of r.perFile) suspects.add(files.indexOf(f));
    let aloneFailed = 0;
    for (const i of [...suspects].sort((a, b) => a - b)) {
      const c = cases[i];
      const alone = await checkAlone(files[i], opts);
      stats.maxFileMs = Math.max(stats.maxFileMs, alone.res.ms);
      let problems = alone.problems;
      // a slow file is confirmed by a second run (the machine may just have been busy)
      if (problems.length && problems.every((p) => p.check === 'cli-time')) {
        const again = await checkAlone(files[i], opts);
        if (!again.problems.length) {
          log.flaky.push({ check: 'cli-time', detail: `${alone.res.ms} ms, then ${again.res.ms} ms`, case: c.index });
          problems = [];
        }
      }
      if (!problems.length) continue;
      aloneFailed++;
      const p = problems[0];
      const sdir = path.join(work, 'scratch');
      const stillFails = async (bytes) => {
        const a = await checkAlone(scratch(sdir, c, bytes), opts, p.check === 'cli-time' ? FILE_LIMIT_MS + 1000 : FILE_LIMIT_MS * 3);
        return a.problems.some((q) => q.check === p.check);
      };
      await minimiseAndRecord(log, opts, c, p, stillFails, `CLI batch ${stats.batches - 1}`, minDeadline());
    }
    // the batch failed but no file fails alone: the batch is the reproducer (a slow batch on a busy machine is only noted)
    if (r.batch.length && !aloneFailed) {
      const b = r.batch[0];
      if (b.check === 'cli-time') log.flaky.push({ check: b.check, detail: `batch ${stats.batches - 1}: ${b.detail}` });
      else {
        const saved = {};
        cases.forEach((c, i) => (saved[`batch/${c.index}/${c.name}`] = c.bytes));
        log.record({ check: b.check, detail: b.detail + ' (the whole batch; no file fails alone)', where: `CLI batch ${stats.batches - 1}`, command: `node dist/cli.js check --format json ${opts.join(' ')} <dir>/batch/*/*` }, saved);
      }
    }
    // --fix now and then, on files that had a safe fix
    if (fixEvery > 0 && stats.batches % fixEvery === 0 && Date.now() < deadline) {
      const fixable = cases
        .map((c, i) => ({ c, result: r.results.get(files[i]) }))
        .filter((x) => !suspects.has(cases.indexOf(x.c)) && x.result?.diagnostics?.some((d) => d.fixes?.some((f) => f.applicability === 'safe')) && x.c.bytes.length < 300_000);
      const chosen = fixable.slice(0, 8);
      if (chosen.length) {
        const fdir = path.join(work, `fix-${stats.batches}`);
        const { problems } = await fixCheck(fdir, chosen, opts);
        stats.fixChecked += chosen.length;
        const done = new Set();
        for (const p of problems) {
          const targets = p.file ? [p.file] : chosen;
          for (const t of targets.slice(0, p.file ? 1 : 3)) {
            const key = `${t.c.index}:${p.check}`;
            if (done.has(key)) continue;
            done.add(key);
            const sdir = path.join(work, 'scratch-fix');
            const stillFails = async (bytes) => {
              const { result } = await checkAlone(scratch(path.join(sdir, 'pre'), t.c, bytes), opts);
              if (!result) return false;
              const again = await fixCheck(path.join(sdir, 'fix'), [{ c: { ...t.c, bytes }, result }], opts);
              return again.problems.some((q) => q.check === p.check);
            };
            await minimiseAndRecord(log, opts, t.c, p, stillFails, `CLI --fix after batch ${stats.batches - 1}`, minDeadline());
          }
        }
        fs.rmSync(fdir, { recursive: true, force: true });
      }
    }
    fs.rmSync(bdir, { recursive: true, force: true });
  }
  return stats;
}
