// The CLI's file handling: --fix through links, BOMs and unwritable folders, lone \r line ends,
// arguments that name nothing checkable, closed output pipes, symbolic links in the directory walk.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync } from 'child_process';
import { ROOT } from './helpers/fixtures';

const BIN = path.join(ROOT, 'bin', 'hubcfg.js');

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hubcfg-io-'));
}

/** rule and range of each finding, the path left out */
function findings(stdout: string): { rule: string; range: unknown }[][] {
  return JSON.parse(stdout).files.map((f: any) => f.diagnostics.map((d: any) => ({ rule: d.rule, range: d.range, fixes: d.fixes })));
}

const CONFIG = 'c = get_config()  # noqa\nc.Spawner.start_timeout = 60.0\n';
const CONFIG_FIXED = 'c = get_config()  # noqa\nc.Spawner.start_timeout = 60\n';

test('--fix on a symbolic link writes the target and keeps the link', () => {
  const d = tmpdir();
  fs.mkdirSync(path.join(d, 'real'));
  const target = path.join(d, 'real', 'jupyterhub_config.py');
  fs.writeFileSync(target, CONFIG);
  fs.chmodSync(target, 0o640);
  const link = path.join(d, 'jupyterhub_config.py');
  fs.symlinkSync(path.join('real', 'jupyterhub_config.py'), link);
  const r = run(['check', '--fix', link]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /applied 1 fix/);
  assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(fs.readlinkSync(link), path.join('real', 'jupyterhub_config.py'));
  assert.equal(fs.readFileSync(target, 'utf8'), CONFIG_FIXED);
  assert.equal(fs.statSync(target).mode & 0o777, 0o640);
  // no temporary file left beside the link or the target
  assert.deepEqual(fs.readdirSync(d).sort(), ['jupyterhub_config.py', 'real']);
  assert.deepEqual(fs.readdirSync(path.join(d, 'real')), ['jupyterhub_config.py']);
});

test('--fix keeps a UTF-8 byte order mark and CRLF line ends', () => {
  const d = tmpdir();
  const f = path.join(d, 'jupyterhub_config.py');
  const body = CONFIG.replace(/\n/g, '\r\n');
  fs.writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]));
  const r = run(['check', '--fix', f]);
  assert.equal(r.code, 0, r.stderr);
  const after = fs.readFileSync(f);
  assert.deepEqual([...after.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.equal(after.subarray(3).toString('utf8'), CONFIG_FIXED.replace(/\n/g, '\r\n'));
});

/**
 * Runs the CLI as a user that cannot write `roDir`. Not root: the folder's mode does it. Root
 * (which ignores modes): a child that drops to uid/gid 65534 before loading the CLI; undefined
 * when that user cannot run the CLI here (the checkout is not readable for it).
 */
function runAsNonRoot(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } | undefined {
  if (typeof process.getuid !== 'function') return undefined;
  if (process.getuid() !== 0) return run(args, cwd);
  const code = `process.setgroups([]); process.setgid(65534); process.setuid(65534); process.argv = [process.argv[0], ${JSON.stringify(BIN)}, ...${JSON.stringify(args)}]; require(${JSON.stringify(BIN)});`;
  const probe = spawnSync(process.execPath, ['-e', code.replace(JSON.stringify(args), JSON.stringify(['--version']))], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) return undefined;
  const r = spawnSync(process.execPath, ['-e', code], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--fix in a folder that cannot be written: a message for that file, the others reported, exit 2', (t) => {
  const d = tmpdir();
  fs.chmodSync(d, 0o755);
  const ro = path.join(d, 'ro');
  fs.mkdirSync(ro);
  const f = path.join(ro, 'jupyterhub_config.py');
  fs.writeFileSync(f, CONFIG);
  fs.chmodSync(f, 0o666);
  const other = path.join(d, 'other_jupyterhub_config.py');
  fs.writeFileSync(other, 'c = get_config()  # noqa\nc.JupyterHub.admin_access = True\n');
  fs.chmodSync(ro, 0o555);
  try {
    const r = runAsNonRoot(['check', '--fix', path.join('ro', 'jupyterhub_config.py'), 'other_jupyterhub_config.py'], d);
    if (!r) {
      t.skip('no user without write access to the folder can run the CLI here');
      return;
    }
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^hubcfg: cannot write ro\/jupyterhub_config\.py: permission denied\b/m);
    assert.doesNotMatch(r.stderr, /internal error|EACCES|\n\s+at /);
    // the file is unchanged, and its findings are those of the unchanged text
    assert.equal(fs.readFileSync(f, 'utf8'), CONFIG);
    assert.match(r.stdout, /^ro\/jupyterhub_config\.py:2:27: error \[traitlets\/type-mismatch\]/m);
    assert.match(r.stdout, /^other_jupyterhub_config\.py:2:29: warning \[security\/admin-access\]/m);
    assert.deepEqual(fs.readdirSync(ro), ['jupyterhub_config.py']);
  } finally {
    fs.chmodSync(ro, 0o755);
  }
});

test('lone \\r line ends: a jupyterhub_config.py gets the findings and ranges of its \\n twin, and fixes keep \\r', () => {
  const d = tmpdir();
  const text = 'c = get_config()  # noqa\n\nc.JupyterHub.admin_access = True\nc.Spawner.start_timeout = 60.0\n';
  fs.mkdirSync(path.join(d, 'lf'));
  fs.mkdirSync(path.join(d, 'cr'));
  const lf = path.join(d, 'lf', 'jupyterhub_config.py');
  const cr = path.join(d, 'cr', 'jupyterhub_config.py');
  fs.writeFileSync(lf, text);
  fs.writeFileSync(cr, text.replace(/\n/g, '\r'));
  const want = findings(run(['check', '--format', 'json', lf]).stdout);
  assert.deepEqual(want[0].map((x) => x.rule).sort(), ['security/admin-access', 'security/user-config-enabled', 'traitlets/deprecated-trait', 'traitlets/type-mismatch']);
  const got = findings(run(['check', '--format', 'json', cr]).stdout);
  // the same findings at the same (line, character) ranges; an inserted line ends in \r as the others
  assert.deepEqual(got, JSON.parse(JSON.stringify(want).replace(/\\n/g, '\\r')));
  assert.equal(run(['check', '--fix', cr]).code, 0);
  assert.equal(fs.readFileSync(cr, 'utf8'), text.replace('60.0', '60').replace(/\n/g, '\r'));
});

test('lone \\r line ends: a z2jh values file gets the findings and ranges of its \\n twin', () => {
  const d = tmpdir();
  const text = 'hub:\n  config:\n    JupyterHub:\n      admin_access: true\n    Spawner:\n      start_timeout: 60.5\n';
  const lf = path.join(d, 'values.yaml');
  const cr = path.join(d, 'cr-values.yaml');
  fs.writeFileSync(lf, text);
  fs.writeFileSync(cr, text.replace(/\n/g, '\r'));
  const want = findings(run(['check', '--format', 'json', lf]).stdout);
  assert.ok(want[0].some((x) => x.rule === 'security/admin-access'), JSON.stringify(want));
  assert.ok(!want[0].some((x) => x.rule === 'syntax/parse-error'));
  assert.deepEqual(findings(run(['check', '--format', 'json', cr]).stdout), want);
});

test('a directory named like a config, a missing path, a glob matching nothing, an empty folder: an error, no "No problems", exit 2', () => {
  const d = tmpdir();
  fs.mkdirSync(path.join(d, 'jupyterhub_config.py'));
  fs.mkdirSync(path.join(d, 'empty'));
  const cases: [string[], RegExp][] = [
    [['jupyterhub_config.py'], /^hubcfg: cannot read jupyterhub_config\.py: is a directory/m],
    [['nope_jupyterhub_config.py'], /^hubcfg: cannot read nope_jupyterhub_config\.py: no such file/m],
    [['nowhere/*.py'], /^hubcfg: cannot read nowhere\/\*\.py: no file matches/m],
    [['empty'], /^hubcfg: empty: no jupyterhub_config\*\.py or YAML file found/m],
  ];
  for (const [args, err] of cases) {
    const r = run(['check', ...args], d);
    assert.equal(r.code, 2, `${args}: ${r.stderr}`);
    assert.match(r.stderr, err);
    assert.equal(r.stdout, '', `${args}: nothing checked, nothing on stdout`);
    // JSON stays parseable: an empty file list
    const j = run(['check', '--format', 'json', ...args], d);
    assert.equal(j.code, 2);
    assert.deepEqual(JSON.parse(j.stdout).files, []);
  }
  // with one file checked beside a bad argument, the summary is printed (and the exit status is 2)
  fs.writeFileSync(path.join(d, 'ok_jupyterhub_config.py'), 'c.JupyterHub.allow_named_servers = True\n');
  const mixed = run(['check', 'ok_jupyterhub_config.py', 'nope_jupyterhub_config.py'], d);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stdout, /^No problems in 1 file$/m);
});

/** Runs the CLI with its stdout closed before it writes: how `hubcfg rules | head -1` ends. */
function runClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s) => (stderr += s));
    const guard = setTimeout(() => child.kill(), 60_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stderr });
    });
  });
}

test('a closed output pipe ends every command quietly with its own exit status', async () => {
  const cmds: string[][] = [
    ['rules'],
    ['explain', 'security/admin-access'],
    ['--help'],
    ['--version'],
    ['check', 'examples'],
    ['check', '--format', 'json', 'examples'],
    ['check', '--format', 'sarif', 'examples'],
  ];
  for (const args of cmds) {
    const normal = run(args);
    const r = await runClosedStdout(args);
    assert.equal(r.stderr, '', `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.code, normal.code, args.join(' '));
  }
});

test('the directory walk follows links to files and folders, ends link loops, and names a loop as such', { skip: process.platform === 'win32' }, () => {
  const d = tmpdir();
  fs.mkdirSync(path.join(d, 'real'));
  fs.writeFileSync(path.join(d, 'real', 'config.py'), 'c.JupyterHub.admin_access = True\n');
  fs.symlinkSync(path.join('real', 'config.py'), path.join(d, 'jupyterhub_config.py'));
  fs.mkdirSync(path.join(d, 'elsewhere', 'prod'), { recursive: true });
  fs.writeFileSync(path.join(d, 'elsewhere', 'prod', 'jupyterhub_config.py'), 'c.JupyterHub.ip = 5\n');
  fs.mkdirSync(path.join(d, 'deploy'));
  fs.symlinkSync(path.join('..', 'elsewhere', 'prod'), path.join(d, 'deploy', 'prod'));
  fs.symlinkSync('..', path.join(d, 'deploy', 'up')); // a loop back to the top
  fs.symlinkSync('loop', path.join(d, 'loop_jupyterhub_config.py'));
  fs.symlinkSync('loop_jupyterhub_config.py', path.join(d, 'loop'));
  const r = run(['check', '--format', 'json', '.'], d);
  const paths = JSON.parse(r.stdout).files.map((f: any) => f.path);
  // every config once, through the first path the walk met
  assert.deepEqual(paths, ['deploy/prod/jupyterhub_config.py', 'jupyterhub_config.py']);
  const loop = run(['check', 'loop_jupyterhub_config.py'], d);
  assert.equal(loop.code, 2);
  assert.match(loop.stderr, /^hubcfg: cannot read loop_jupyterhub_config\.py: .*(link loop|ELOOP)/m);
  assert.doesNotMatch(loop.stderr, /no such file/);
});
