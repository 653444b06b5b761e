// The fuzzer (scripts/fuzz/) itself: its PRNG replays, its mutators run on every kind of input, its
// minimiser shrinks a known failure, and its contract check tells a good CLI run from a bad one.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { pathToFileURL } from 'url';
import { ROOT } from './helpers/fixtures';

// plain .mjs modules: imported at run time (a non-literal specifier keeps tsc from resolving them)
const load = (name: string): Promise<any> => import(pathToFileURL(path.join(ROOT, 'scripts', 'fuzz', name)).href);

const PY = 'c = get_config()\nc.JupyterHub.admin_access = True\nc.Authenticator.allowed_users = {"ada"}\n';
const YAML = 'hub:\n  config:\n    JupyterHub:\n      admin_access: true\nproxy:\n  secretToken: "abc"\nsingleuser:\n  image:\n    name: x\n    tag: "1.0"\n';

test('fuzz: the same seed gives the same numbers and the same mutants', async () => {
  const { Rng, caseSeed } = await load('prng.mjs');
  const seq = (s: number) => Array.from({ length: 20 }, ((r) => () => r.u32())(new Rng(s)));
  assert.deepEqual(seq(7), seq(7));
  assert.notDeepEqual(seq(7), seq(8));
  assert.notEqual(caseSeed(7, 0), caseSeed(7, 1));
  const { makeCase } = await load('cli.mjs');
  const corpus = [{ path: 'a.py', kind: 'py', text: PY }, { path: 'b.yaml', kind: 'yaml', text: YAML }];
  for (let i = 0; i < 50; i++) {
    const a = makeCase(42, i, corpus);
    const b = makeCase(42, i, corpus);
    assert.ok(a.bytes.equals(b.bytes), `case ${i} differs between two runs`);
    assert.deepEqual(a.steps, b.steps);
  }
});

test('fuzz: every mutator runs on Python, YAML and empty input, and stays within the size limit', async () => {
  const { Rng } = await load('prng.mjs');
  const { TEXT_MUTATORS, BYTE_MUTATORS, MAX_TEXT, mutate } = await load('mutators.mjs');
  const corpus = [{ path: 'a.py', kind: 'py', text: PY }, { path: 'b.yaml', kind: 'yaml', text: YAML }];
  const seen = new Set<string>();
  for (let seed = 1; seed <= 30; seed++) {
    for (const entry of [...corpus, { path: 'e.yaml', kind: 'yaml', text: '' }]) {
      for (const [name, fn] of Object.entries(TEXT_MUTATORS) as [string, (t: string, c: unknown) => string][]) {
        const out = fn(entry.text, { rng: new Rng(seed), kind: entry.kind, corpus });
        assert.equal(typeof out, 'string', name);
        if (out !== entry.text) seen.add(name);
      }
      for (const [name, fn] of Object.entries(BYTE_MUTATORS) as [string, (b: Buffer, c: unknown) => Buffer][]) {
        assert.ok(Buffer.isBuffer(fn(Buffer.from(entry.text), { rng: new Rng(seed) })), name);
      }
      const m = mutate(entry, corpus, new Rng(seed));
      assert.ok(m.bytes.length <= MAX_TEXT * 4 + 16);
      assert.ok(m.steps.length >= 0);
    }
  }
  // each text mutator changes something for some seed (none is a silent no-op)
  assert.deepEqual(Object.keys(TEXT_MUTATORS).filter((n) => !seen.has(n)), []);
});

test('fuzz: the minimiser reduces a failing input to what the failure needs', async () => {
  const { minimizeText, minimizeBytes } = await load('minimize.mjs');
  const filler = Array.from({ length: 200 }, (_, i) => `c.Spawner.x${i} = ${i}\n`);
  filler.splice(57, 0, 'c.JupyterHub.admin_access = True\n');
  filler.splice(150, 0, 'BAD = 1\n');
  const input = filler.join('');
  let calls = 0;
  const fails = async (t: string) => {
    calls++;
    return t.includes('admin_access') && t.includes('BAD');
  };
  const r = await minimizeText(input, fails, { seconds: 20, tests: 2000 });
  assert.ok(await fails(r.text));
  // one-minimal: the two needed pieces, nothing else
  assert.ok(r.text.length <= 'admin_access'.length + 'BAD'.length, `left ${JSON.stringify(r.text)}`);
  assert.ok(calls < 2000);
  // bytes: an invalid UTF-8 byte amid text is kept byte-exact
  const buf = Buffer.concat([Buffer.from('hub:\n  config: x\n'.repeat(20)), Buffer.from([0xff]), Buffer.from('tail\n'.repeat(10))]);
  const b = await minimizeBytes(buf, async (x: Buffer) => x.includes(0xff), { seconds: 20, tests: 2000 });
  assert.deepEqual([...b.bytes], [0xff]);
});

test('fuzz: the CLI contract check accepts a good run and names each bad one', async () => {
  const { checkCliRun } = await load('common.mjs');
  const diag = { rule: 'traitlets/unknown-trait', severity: 'warning', message: 'm', range: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } }, fixes: [] };
  const good = { code: 1, signal: null, ms: 10, timedOut: false, stderr: '', stdout: JSON.stringify({ version: 1, files: [{ path: 'a.py', kind: 'jupyterhub_config', diagnostics: [diag] }] }) };
  const texts = new Map([['a.py', 'x\nyyyy\n']]);
  const checks = (res: object, t = texts) => {
    const r = checkCliRun({ ...good, ...res }, ['a.py'], t, 10000);
    return [...r.batch, ...(r.perFile.get('a.py') ?? [])].map((p: { check: string }) => p.check);
  };
  assert.deepEqual(checks({}), []);
  assert.deepEqual(checks({ code: 2, stdout: '', stderr: 'hubcfg: internal error: RangeError' }), ['cli-internal-error', 'cli-exit-code', 'cli-json']);
  assert.deepEqual(checks({ stdout: '{"version":1,"files":[]}' }), ['cli-json-shape', 'cli-json-shape']);
  assert.deepEqual(checks({ ms: 20000 }), ['cli-time']);
  const internal = { ...diag, message: 'Internal error in rule x/y: boom' };
  assert.deepEqual(checks({ stdout: JSON.stringify({ version: 1, files: [{ path: 'a.py', kind: 'jupyterhub_config', diagnostics: [internal] }] }) }), ['cli-rule-internal-error']);
  // a range past the end of its line
  assert.deepEqual(checks({}, new Map([['a.py', 'x\nyy\n']])), ['cli-json-shape']);
});

test('fuzz: run.mjs answers --help and refuses an unknown option', () => {
  const script = path.join(ROOT, 'scripts', 'fuzz', 'run.mjs');
  const help = spawnSync(process.execPath, [script, '--help'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--minutes M/);
  const bad = spawnSync(process.execPath, [script, '--bogus'], { encoding: 'utf8', timeout: 20000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown option --bogus/);
});
