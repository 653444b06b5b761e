#!/usr/bin/env node
// The fuzzer: `npm run fuzz -- [--minutes M] [--seed N] [--cli-only|--lsp-only] [--corpus DIR...] [--out DIR]`.
// Mutates the examples and fixtures through the CLI and the language server (dist/, built first by
// `npm run fuzz`). Exit 0: nothing found; 1: failures (reproducers in --out); 2: usage or setup error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomSeed } from './prng.mjs';
import { ROOT, loadCorpus, FailureLog } from './common.mjs';
import { fuzzCli } from './cli.mjs';
import { fuzzLsp } from './lsp.mjs';

const USAGE = `Usage: node scripts/fuzz/run.mjs [options]
  --minutes M            how long to run in all (default 2; CLI and LSP share it)
  --seed N               the run's seed (default: random; printed first)
  --cli-only | --lsp-only
  --corpus DIR|FILE...   inputs to mutate (default: examples/ test/fixtures/)
  --out DIR              where reproducers go (default: a new temp folder, printed)
  --batch N              files per CLI run (default 40)
  --minimise-seconds S   time to minimise each new failure (default 60; 0: do not minimise)
  --request-ms N         LSP answer limit (default 2000)
  --rss-growth-mb N      allowed server RSS growth over its warmed-up size (default 400)
  --verbose`;

function parseArgs(argv) {
  const a = { minutes: 2, seed: undefined, cli: true, lsp: true, corpus: [], out: undefined, batch: 40, minimiseSeconds: 60, requestMs: 2000, rssGrowthMb: 400, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${arg} takes a number`);
      return v;
    };
    switch (arg) {
      case '--minutes': a.minutes = num(); break;
      case '--seed': a.seed = num() >>> 0; break;
      case '--cli-only': a.lsp = false; break;
      case '--lsp-only': a.cli = false; break;
      case '--out': a.out = argv[++i]; break;
      case '--batch': a.batch = Math.max(1, Math.floor(num())); break;
      case '--minimise-seconds': case '--minimize-seconds': a.minimiseSeconds = num(); break;
      case '--request-ms': a.requestMs = num(); break;
      case '--rss-growth-mb': a.rssGrowthMb = num(); break;
      case '--verbose': a.verbose = true; break;
      case '--corpus':
        while (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) a.corpus.push(argv[++i]);
        break;
      case '-h': case '--help': console.log(USAGE); process.exit(0);
      default: throw new Error(`unknown option ${arg}`);
    }
  }
  if (!a.cli && !a.lsp) throw new Error('--cli-only and --lsp-only exclude each other');
  if (!a.corpus.length) a.corpus = ['examples', 'test/fixtures'];
  return a;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`fuzz: ${e.message}\n${USAGE}`);
    return 2;
  }
  const seed = args.seed ?? randomSeed();
  console.log(`fuzz: seed ${seed} (replay: npm run fuzz -- --seed ${seed} --minutes ${args.minutes}${args.cli && !args.lsp ? ' --cli-only' : ''}${args.lsp && !args.cli ? ' --lsp-only' : ''})`);
  for (const f of ['cli.js', 'server.js']) {
    if (!fs.existsSync(path.join(ROOT, 'dist', f))) {
      console.error(`fuzz: dist/${f} is missing: run node scripts/build.mjs (npm run fuzz does)`);
      return 2;
    }
  }
  let corpus;
  try {
    corpus = loadCorpus(args.corpus);
  } catch (e) {
    console.error(`fuzz: cannot read the corpus: ${e.message}`);
    return 2;
  }
  if (!corpus.length) {
    console.error('fuzz: the corpus has no .py or .yaml file');
    return 2;
  }
  const out = args.out ? path.resolve(args.out) : fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-fuzz-out-'));
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-fuzz-work-'));
  console.log(`fuzz: ${corpus.length} corpus files (${corpus.filter((c) => c.kind === 'py').length} .py, ${corpus.filter((c) => c.kind === 'yaml').length} YAML); ${args.minutes} min; reproducers go to ${out}`);
  const log = new FailureLog(out, seed);
  const t0 = Date.now();
  const total = args.minutes * 60_000;
  const report = {};
  try {
    if (args.cli) {
      const deadline = t0 + (args.lsp ? total / 2 : total);
      report.cli = await fuzzCli({ seed, corpus, deadline, work, log, batchSize: args.batch, minimiseSeconds: args.minimiseSeconds, verbose: args.verbose });
      const s = report.cli;
      console.log(`fuzz: CLI: ${s.inputs} inputs in ${s.batches} runs, ${s.fixChecked} --fix checks; slowest run ${s.maxBatchMs} ms`);
    }
    if (args.lsp) {
      const deadline = t0 + total;
      report.lsp = await fuzzLsp({ seed, corpus, deadline, work, log, requestMs: args.requestMs, rssGrowthMb: args.rssGrowthMb, minimiseSeconds: args.minimiseSeconds, verbose: args.verbose });
      const s = report.lsp;
      console.log(`fuzz: LSP: ${s.steps} steps, ${s.opened} documents opened, ${s.edits} edits, ${s.requests} requests (slowest ${s.maxRequestMs} ms), ${s.restarts} restarts; server RSS ${s.rss.baseline?.toFixed(0) ?? '?'} MB warmed up, ${s.rss.max.toFixed(0)} MB max, ${s.rss.last.toFixed(0)} MB last`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  report.seed = seed;
  report.seconds = Math.round((Date.now() - t0) / 1000);
  report.failures = log.failures.map(({ n, check, detail, dir, where }) => ({ n, check, detail, dir, where }));
  report.unconfirmed = log.flaky;
  fs.writeFileSync(path.join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  for (const f of log.flaky) console.log(`fuzz: note (not counted: slow once, fine when tried again): [${f.check}] ${f.detail}`);
  if (log.failures.length) {
    const bySig = new Map();
    for (const f of log.failures) bySig.set(f.signature, (bySig.get(f.signature) ?? 0) + 1);
    console.log(`fuzz: ${log.failures.length + (log.repeats ?? 0)} failure(s), ${bySig.size} distinct, seed ${seed}:`);
    for (const [s] of bySig) console.log(`  ${log.seen(s)} x ${s}`);
    console.log(`fuzz: reproducers and report.json in ${out}`);
    return 1;
  }
  console.log(`fuzz: no failures (seed ${seed}, ${report.seconds} s); report.json in ${out}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`fuzz: the fuzzer itself failed: ${e.stack ?? e}`);
    process.exit(2);
  },
);
