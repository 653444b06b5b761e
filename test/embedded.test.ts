import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments, visit, isScalar, Scalar } from 'yaml';
import { scalarMapping } from '../server/src/model/fromYaml';
import { snippetModel, clearSnippetCache, snippetCacheStats } from '../server/src/model/embeddedPython';
import { modelFromPythonSync } from '../server/src/model/fromPython';
import { pythonParser } from '../server/src/parse/python';
import { analyze } from '../server/src/engine';
import { LineIndex } from '../server/src/util/text';

const ROOT = path.join(__dirname, '..', '..');

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PY_LINES = [
  'c.JupyterHub.admin_access = True',
  'c.Spawner.start_timeout = "60"',
  'c.KubeSpawner.cpu_limit = 2.5  # comment',
  'c.Authenticator.allowed_users = {"alice", "bob"}',
  'c.Authenticator.admin_users.add("carol")',
  'c.JupyterHub.load_roles = [\n    {"name": "tas", "scopes": ["admin:users", "list:users"], "groups": ["tas"]},\n    {"name": "tas", "scopes": ["servers"]},\n]',
  'c.JupyterHub.services = [{"name": "cull", "api_token": os.environ.get("CULL_TOKEN", "fallback")}]',
  'a = b = c.Spawner.default_url = "/lab"',
  'c["Spawner"]["http_timeout"] = 30',
  'if os.environ.get("DEV"):\n    c.JupyterHub.log_level = "DEBUG"\nelse:\n    c.JupyterHub.log_level = 10',
  'def hook(spawner):\n    spawner.environment["X"] = "é ü 😀"\n    return spawner\nc.Spawner.pre_spawn_hook = hook',
  'c.JupyterHub.cookie_secret = bytes.fromhex("00ff")',
  'c.Spawner.cmd = ["sh", "-c", "pip install jupyter-server-proxy==4.0.0 && exec jupyterhub-singleuser"]',
  'class MyAuth(DummyAuthenticator):\n    pass\nc.JupyterHub.authenticator_class = MyAuth',
  'c.Spawner.environment.update({"A": f"{x}", "B": 1})',
  'c.JupyterHub.bind_url = "http://:8000" +',
  'c.Spawner.notebook_dir = """\nmulti\n  line\n"""',
  '',
  '# only a comment',
];

function pythonSnippet(r: () => number): string {
  const n = 1 + Math.floor(r() * 8);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(PY_LINES[Math.floor(r() * PY_LINES.length)]);
  return out.join('\n');
}

/** A values file with extraConfig snippets in the block forms that map exactly. */
function valuesFile(r: () => number): string {
  const indent = ' '.repeat(2 + Math.floor(r() * 3));
  const lines = ['# generated', 'hub:', '  extraConfig:'];
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const header = ['|', '|-', '|+', '|2', '|-2', '|+2'][Math.floor(r() * 6)];
    const explicit = /\d/.test(header) ? ' '.repeat(2) : indent;
    lines.push(`    ${String(i).padStart(2, '0')}-snippet: ${header}`);
    if (r() < 0.3) lines.push('');
    for (const l of pythonSnippet(r).split('\n')) lines.push(l === '' ? '' : `    ${explicit}${l}`);
    if (r() < 0.3) lines.push('', '');
  }
  lines.push('singleuser:', '  image:', '    name: x', '    tag: "1.0"');
  return lines.join('\n') + (r() < 0.5 ? '\n' : '');
}

function fixtureTexts(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) {
        const t = fs.readFileSync(p, 'utf8');
        if (t.includes('extraConfig')) out.push(t);
      }
    }
  };
  walk(path.join(ROOT, 'test', 'fixtures'));
  walk(path.join(ROOT, 'examples'));
  return out;
}

test('a cached snippet model, placed anywhere, equals parsing the snippet in place', async () => {
  const parser = await pythonParser();
  const r = rng(20261122);
  const texts = [...fixtureTexts(), ...Array.from({ length: 120 }, () => valuesFile(r))];
  let compared = 0;
  clearSnippetCache();
  for (const pass of ['cold', 'warm']) {
    for (const text of texts) {
      const idx = new LineIndex(text);
      for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
        visit(doc, {
          Scalar(_k, node) {
            if (!isScalar(node) || node.type !== Scalar.BLOCK_LITERAL || typeof node.value !== 'string') return;
            const m = scalarMapping(text, node as Scalar, idx);
            if (!m.exact) return;
            const direct = modelFromPythonSync(parser, m.value, { kind: 'z2jh_values', mapOffset: m.map, fallbackSpan: { start: node.range![0], end: node.range![1] } });
            const placed = snippetModel(parser, m.value, m.map);
            const label = `${pass}: ${JSON.stringify(m.value.slice(0, 60))}`;
            assert.deepEqual(placed.ops, direct.ops, label);
            assert.deepEqual(placed.syntaxErrors, direct.syntaxErrors, label);
            assert.deepEqual(placed.definedClasses, direct.definedClasses, label);
            assert.deepEqual(placed.configNames, direct.configNames, label);
            compared++;
          },
        });
      }
    }
  }
  assert.ok(compared > 300, `compared ${compared} snippets`);
});

test('editing around a snippet gives the same diagnostics as a fresh analysis', async () => {
  const r = rng(7);
  for (let i = 0; i < 40; i++) {
    const text = valuesFile(r);
    clearSnippetCache();
    await analyze(text, '/srv/z2jh/values.yaml');
    const cached = snippetCacheStats();
    assert.ok(cached.entries > 0, 'the snippets are kept');
    // the YAML above the snippets changes: every snippet moves, none is parsed again
    const edited = text.replace('# generated', '# generated\nproxy:\n  https:\n    enabled: true\n# héllo 😀');
    const warm = await analyze(edited, '/srv/z2jh/values.yaml');
    assert.deepEqual(snippetCacheStats(), cached, 'no snippet was parsed again');
    clearSnippetCache();
    const cold = await analyze(edited, '/srv/z2jh/values.yaml');
    assert.deepEqual(warm.diagnostics, cold.diagnostics, edited);
    assert.deepEqual(warm.model?.ops, cold.model?.ops);
  }
});

test('the snippet cache stays bounded', async () => {
  const parser = await pythonParser();
  clearSnippetCache();
  const big = 'c.Spawner.cmd = ["x"]\n' + '# padding line to make the snippet large\n'.repeat(8000);
  for (let i = 0; i < 20; i++) snippetModel(parser, `${big}# ${i}\n`, (o) => o);
  assert.ok(snippetCacheStats().chars <= 1_000_000, `cached ${snippetCacheStats().chars} chars`);
  assert.ok(snippetCacheStats().chars > 0);
  for (let i = 0; i < 100; i++) snippetModel(parser, `c.Spawner.start_timeout = ${i}\n`, (o) => o);
  assert.equal(snippetCacheStats().entries, 48);
  // the most recently used stay
  const before = snippetCacheStats();
  snippetModel(parser, 'c.Spawner.start_timeout = 99\n', (o) => o);
  assert.deepEqual(snippetCacheStats(), before);
});

test('mutated values files: no exception, and the same diagnostics with and without cached snippets', async () => {
  const r = rng(42);
  const files = fixtureTexts();
  const inserts = ['\n', ' ', '  ', ':', '|', '"', "'", '#', '\t', 'x', 'é', '😀', '\\'];
  for (let i = 0; i < 200; i++) {
    let t = files[Math.floor(r() * files.length)];
    for (let m = 0, n = 1 + Math.floor(r() * 4); m < n; m++) {
      const p = Math.floor(r() * t.length);
      const op = r();
      if (op < 0.3) t = t.slice(0, p) + t.slice(p + 1 + Math.floor(r() * 5));
      else if (op < 0.6) t = t.slice(0, p) + inserts[Math.floor(r() * inserts.length)] + t.slice(p);
      else {
        const ls = t.split('\n');
        ls.splice(Math.floor(r() * ls.length), 0, ls[Math.floor(r() * ls.length)]);
        t = ls.join('\n');
      }
    }
    const warm = await analyze(t, '/srv/z2jh/values.yaml', { kind: 'z2jh_values' });
    clearSnippetCache();
    const cold = await analyze(t, '/srv/z2jh/values.yaml', { kind: 'z2jh_values' });
    assert.deepEqual(warm.diagnostics, cold.diagnostics, t);
  }
});
