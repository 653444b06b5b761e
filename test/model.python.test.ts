import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { modelFromPython } from '../server/src/model/fromPython';
import { lexPython } from '../server/src/parse/python';
import type { Value } from '../server/src/model/types';

function plain(v: Value): unknown {
  switch (v.kind) {
    case 'str': case 'int': case 'float': case 'bool': return v.value;
    case 'none': return null;
    case 'list': case 'tuple': case 'set': return { [v.kind]: v.items.map(plain) };
    case 'dict': return { dict: v.entries.map((e) => [plain(e.key), plain(e.value)]) };
    case 'env': return { env: v.name, fallback: v.fallback ? plain(v.fallback) : undefined };
    case 'call': return { call: v.callee };
    case 'name': return { name: v.name };
    case 'fstring': return { fstring: true };
    default: return { expr: v.nodeType };
  }
}

const slice = (text: string, s: { start: number; end: number }) => text.slice(s.start, s.end);

test('every assignment form becomes a traitlet operation with exact ranges', async () => {
  const text = [
    'import os',
    'c = get_config()',
    'c.JupyterHub.ip = "0.0.0.0"',
    "c['Spawner']['args'] = ['--debug', 1, 2.5, True, None]",
    'c.Spawner.args += ["--x"]',
    'c.Spawner.args.append("--y")',
    'c.Spawner.environment.update({"A": "1"})',
    'c.Spawner.environment["B"] = os.environ["B"]',
    'c.Authenticator.admin_users.add("root")',
    'c.JupyterHub.load_roles = [{"name": "r", "scopes": ("a", "b"), "users": {"x"}}]',
    'c.JupyterHub.port = -8000',
    'c.JupyterHub.db_url = os.getenv("DB", "sqlite:///x")',
    'c.JupyterHub.base_url = f"/{prefix}/"',
    'c.JupyterHub.spawner_class = DockerSpawner',
    'c.JupyterHub.x = c.JupyterHub.y = 0x10',
  ].join('\n');
  const m = await modelFromPython(text);
  const ops = m.ops.map((o) => [o.cls, o.trait, o.op, plain(o.value), o.conditional, o.form]);
  assert.deepEqual(ops, [
    ['JupyterHub', 'ip', '=', '0.0.0.0', false, 'attr'],
    ['Spawner', 'args', '=', { list: ['--debug', 1, 2.5, true, null] }, false, 'item'],
    ['Spawner', 'args', '+=', { list: ['--x'] }, false, 'attr'],
    ['Spawner', 'args', 'append', '--y', false, 'attr'],
    ['Spawner', 'environment', 'update', { dict: [['A', '1']] }, false, 'attr'],
    ['Spawner', 'environment', 'item=', { env: 'B', fallback: undefined }, false, 'attr'],
    ['Authenticator', 'admin_users', 'add', 'root', false, 'attr'],
    ['JupyterHub', 'load_roles', '=', { list: [{ dict: [['name', 'r'], ['scopes', { tuple: ['a', 'b'] }], ['users', { set: ['x'] }]] }] }, false, 'attr'],
    ['JupyterHub', 'port', '=', -8000, false, 'attr'],
    ['JupyterHub', 'db_url', '=', { env: 'DB', fallback: 'sqlite:///x' }, false, 'attr'],
    ['JupyterHub', 'base_url', '=', { fstring: true }, false, 'attr'],
    ['JupyterHub', 'spawner_class', '=', { name: 'DockerSpawner' }, false, 'attr'],
    ['JupyterHub', 'x', '=', 16, false, 'attr'],
    ['JupyterHub', 'y', '=', 16, false, 'attr'],
  ]);
  assert.equal(m.imports.os, true);
  const ip = m.ops[0];
  assert.equal(slice(text, ip.clsSpan), 'JupyterHub');
  assert.equal(slice(text, ip.traitSpan), 'ip');
  assert.equal(slice(text, ip.value.span), '"0.0.0.0"');
  assert.equal(slice(text, ip.span), 'c.JupyterHub.ip = "0.0.0.0"');
  const item = m.ops[1];
  assert.equal(slice(text, item.clsSpan), 'Spawner');
  assert.equal(slice(text, item.traitSpan), 'args');
  const env = m.ops[5];
  assert.equal(slice(text, env.key!.span), '"B"');
});

test('assignments inside blocks are marked conditional; other names are not config', async () => {
  const text = [
    'cfg = get_config()',
    'if os.environ.get("DEV"):',
    '    cfg.JupyterHub.log_level = "DEBUG"',
    'for x in range(3):',
    '    c.Spawner.args.append(x)',
    'try:',
    '    import foo',
    'except ImportError:',
    '    c.JupyterHub.spawner_class = "simple"',
    'def hook(spawner):',
    '    spawner.environment = {}',
    'other.JupyterHub.ip = "x"',
    'c.JupyterHub.ip = "127.0.0.1"',
  ].join('\n');
  const m = await modelFromPython(text);
  assert.deepEqual(m.ops.map((o) => [o.cls, o.trait, o.conditional]), [
    ['JupyterHub', 'log_level', true],
    ['Spawner', 'args', true],
    ['JupyterHub', 'spawner_class', true],
    ['JupyterHub', 'ip', false],
  ]);
  assert.deepEqual(m.configNames, ['c', 'cfg']);
});

test('positions are UTF-16 offsets, exact after non-ASCII text', async () => {
  const text = 'c.JupyterHub.template_vars = {"t": "é😀"}; c.JupyterHub.ip = "x"\n';
  const m = await modelFromPython(text);
  assert.equal(slice(text, m.ops[1].traitSpan), 'ip');
  assert.equal(m.ops[1].traitSpan.start, text.indexOf('ip ='));
});

test('comment-only lines are emptied for parsing, strings and trailing comments are kept', () => {
  const text = 'x = 1\n# c.JupyterHub.ip = "a"\n  # indented\ns = """\n# not a comment\n"""\ny = 2  # trailing\n';
  const lex = lexPython(text);
  assert.equal(lex.parseText, 'x = 1\n\n\ns = """\n# not a comment\n"""\ny = 2  # trailing\n');
  assert.deepEqual(lex.comments.map((c) => c.text), ['# c.JupyterHub.ip = "a"', '# indented', '# trailing']);
  assert.equal(text.slice(lex.comments[0].span.start, lex.comments[0].span.end), '# c.JupyterHub.ip = "a"');
});

test('a generated-style config (thousands of comment lines after a statement) parses quickly and exactly', async () => {
  const lines = ['c = get_config()  #noqa'];
  for (let i = 0; i < 400; i++) lines.push('#------------------------------------------------------------------------------', `# Option${i} help text that goes on for a while to look like the real thing`, '#  Default: False', `# c.JupyterHub.option_${i} = False`, '');
  lines.push('c.JupyterHub.admin_access = True');
  const text = lines.join('\n');
  const t0 = performance.now();
  const m = await modelFromPython(text);
  const ms = performance.now() - t0;
  assert.equal(m.ops.length, 1);
  assert.equal(slice(text, m.ops[0].traitSpan), 'admin_access');
  assert.equal(m.comments.length, 1601);
  // not a timing assertion on speed (see npm run bench); a guard against the seconds-long trap
  assert.ok(ms < 2000, `took ${ms} ms`);
});

test('syntax errors are reported once and the rest is still analysed', async () => {
  const text = 'c.JupyterHub.ip = (\nc.JupyterHub.port = 8000\nc.Spawner.cmd = "x"\ndef f(:\n  pass\nc.Spawner.args = ["a"]\n';
  const m = await modelFromPython(text);
  assert.equal(m.syntaxErrors.length, 1);
  assert.ok(m.ops.some((o) => o.trait === 'args'));
});

test('deeply nested literals do not overflow', async () => {
  const text = 'c.JupyterHub.load_roles = ' + '['.repeat(5000) + ']'.repeat(5000) + '\nc.JupyterHub.ip = "x"\n';
  const m = await modelFromPython(text);
  assert.ok(m.ops.length >= 1);
});

test('escape sequences in strings are decoded; raw strings keep them', async () => {
  const text = "c.A.a = 'x\\ny'\nc.A.b = r'x\\ny'\nc.A.c = '\\x41\\u00e9\\101\\\\'\nc.A.d = 'plain'\n";
  const m = await modelFromPython(text);
  const v = m.ops.map((o) => (o.value.kind === 'str' ? [o.value.value, o.value.plain] : null));
  assert.deepEqual(v, [['x\ny', false], ['x\\ny', false], ['AéA\\', false], ['plain', true]]);
});
