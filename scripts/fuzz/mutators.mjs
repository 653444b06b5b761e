// Mutators for jupyterhub_config.py and z2jh values YAML. Each text mutator takes (text, ctx) and returns
// the new text; ctx = { rng, kind: 'py' | 'yaml', corpus: [{ text, kind }] }. Byte mutators work on the
// encoded bytes (invalid UTF-8, NUL, BOM). mutate() applies a few of them and says which.

/** Inputs are kept below this size (the CLI's default limit is 5 MiB; big inputs are their own test). */
export const MAX_TEXT = 1_000_000;

const splitLines = (text) => text.split(/(?<=\n)/);

function lineSpan(rng, lines) {
  const a = rng.below(Math.max(1, lines.length));
  const n = Math.min(lines.length - a, rng.logInt(Math.max(1, Math.min(40, lines.length))));
  return [a, Math.max(0, n)];
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;

function typo(rng, word) {
  if (word.length < 2) return word + 'x';
  const i = rng.below(word.length);
  switch (rng.below(6)) {
    case 0: // swap two neighbours
      return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word.slice(0, -1);
    case 1: // drop a letter
      return word.slice(0, i) + word.slice(i + 1);
    case 2: // double a letter
      return word.slice(0, i) + word[i] + word.slice(i);
    case 3: // change case
      return word.slice(0, i) + (word[i] === word[i].toUpperCase() ? word[i].toLowerCase() : word[i].toUpperCase()) + word.slice(i + 1);
    case 4: // snake <-> camel
      return word.includes('_') ? word.replace(/_([a-z])/g, (_, c) => c.toUpperCase()) : word.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    default: // a neighbouring letter
      return word.slice(0, i) + String.fromCharCode(word.charCodeAt(i) + (rng.chance(0.5) ? 1 : -1)) + word.slice(i + 1);
  }
}

/** replaces the n-th match of re in text (re must be global) */
function replaceNth(rng, text, re, fn) {
  const matches = [...text.matchAll(re)];
  if (!matches.length) return text;
  const m = rng.pick(matches);
  return text.slice(0, m.index) + fn(m) + text.slice(m.index + m[0].length);
}

function insertAtLine(rng, text, insert) {
  const lines = splitLines(text);
  const at = rng.below(lines.length + 1);
  if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, insert.endsWith('\n') ? insert : insert + '\n');
  return lines.join('');
}

function lineIndent(line) {
  return /^[ \t]*/.exec(line)[0];
}

function deepYamlBlock(rng, depth, step) {
  const out = [];
  for (let i = 0; i < depth; i++) out.push(' '.repeat(i * step) + `k${i % 10}:`);
  out.push(' '.repeat(depth * step) + 'leaf: 1');
  return out.join('\n') + '\n';
}

function deepFlow(rng, depth) {
  const kind = rng.below(3);
  if (kind === 0) return '['.repeat(depth) + '1' + ']'.repeat(depth);
  if (kind === 1) return '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
  // mixed, maybe unclosed
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    if (rng.chance(0.5)) {
      open += '[';
      close = ']' + close;
    } else {
      open += '{k: ';
      close = '}' + close;
    }
  }
  return open + 'x' + (rng.chance(0.8) ? close : close.slice(rng.below(close.length + 1)));
}

function deepPython(rng, depth) {
  const pairs = [['(', ')'], ['[', ']'], ['{', '}'], ['{"k": ', '}'], ['f(', ')'], ['-', '']];
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    const [o, c] = rng.pick(pairs);
    open += o;
    close = c + close;
  }
  const body = open + '1' + (rng.chance(0.85) ? close : close.slice(rng.below(close.length + 1)));
  return rng.chance(0.5) ? `c.JupyterHub.load_roles = ${body}` : `c.Spawner.environment = ${body}`;
}

const NUMBERS = ['010', '0x1F', '0o17', '0b101', '1_000', '1e400', '-0', '.inf', '-.inf', '.nan', '+12', '0.', '1.5e-3', '12:30:00', '2024-01-01', '99999999999999999999999', '-1', '0', '1__0', '0x', '08', '١٢', '1,000', "'1'", '"010"'];
const BOOLS = ['yes', 'no', 'on', 'off', 'y', 'n', 'Y', 'True', 'TRUE', 'false', 'FALSE', 'Off', '~', 'null', 'Null', 'None', '""', "''", '[]', '{}'];
const UNICODE = ['\uFEFF', '\u00e9', 'e\u0301', '\u200b', '\u200e', '\u202e', '\u00a0', '\u2028', '\u2029', '\u0085', '\u3000', '\ud83d\ude00', '\u{1F469}\u200d\u{1F4BB}', '\u0130', '\u00df', '\u6f22\u5b57', '\t', '\u000b', '\u000c', '\u001b[31m', '\ufffd', '\uffff'];
const JINJA = [
  '{{ .Values.hub.config | toYaml | nindent 4 }}',
  '{{- if .Values.enabled }}',
  '{{- end }}',
  '{% if user %}',
  '{% endif %}',
  'hub: {{ include "x" . }}',
  '  image: "{{ .Values.image }}"',
  '{{ $x := 1 }}',
  '{{/* comment */}}',
  '  {{- toYaml .Values.singleuser | nindent 2 }}',
];
const YAML_SNIPPETS = [
  '---', '...', '%YAML 1.1', '%TAG ! tag:example.com,2000:', '? complex key', ': value', '- item', '  - nested', 'key: |', '  block text', 'key: >-', 'key: !!python/object:os.system "x"',
  'key: !!binary aGVsbG8=', 'key: !!str 1', 'key: !!int "3"', 'key: !custom', '<<: *base', 'anchor: &base {a: 1}', 'hub:', 'hub: null', 'hub: []', 'hub:\n  config:\n    JupyterHub:\n      admin_access: true',
  'singleuser:\n  cmd: [jupyterhub-singleuser', 'proxy:\n  secretToken: 0123456789abcdef0123456789abcdef', 'hub:\n  extraConfig:\n    a: |\n      c.JupyterHub.admin_access = True', '# hubcfg: kind=z2jh', '# hubcfg: disable=z2jh/unknown-key', '"unterminated: x',
  "'quoted key': 1", 'key: "a\\x"', 'key: @reserved', 'key: `backtick`', '\t', 'a: b: c', '[1, 2', '{a: 1', '- - - x', 'key:\tvalue', '&a', '*a', '*undefined', '? [a, b]\n: c', 'x: "\\u00e9\\UFFFFFFFF"',
];
const PY_SNIPPETS = [
  'c = get_config()', 'c.JupyterHub.admin_access = True', 'c.Authenticator.allowed_users = {"a", "b"}', 'c.Spawner.cmd = ["jupyterhub-singleuser"]', 'c.JupyterHub.load_roles = [{"name": "x", "scopes": ["admin:users"], "users": ["a"]}]',
  'if True:', '    pass', 'else:', 'def f(x):', '    return x', 'import os', 'from x import *', 'c.JupyterHub.cookie_secret = os.environ["X"]', 'c["JupyterHub"]["port"] = 8000', 'c.JupyterHub.port = 010', 'c.JupyterHub.port = 0x1F',
  'c.Spawner.environment = {"A": "${B}"}', 'c.JupyterHub.authenticator_class = "dummy"', 'c.JupyterHub.spawner_class = "docker"', 'c.JupyterHub.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors *"}}', '"""', "'''", 'f"{x!r:>{w}}"',
  'c.Spawner.args = ["--a", *more]', 'lambda: (yield)', 'async def g(): await x', '# hubcfg: disable=traitlets/unknown-trait', '# noqa', '# -*- coding: latin-1 -*-', '\\', 'c.X.y = 1; c.X.z = 2', 'c.JupyterHub.services = [{"name": "s", "api_token": "' + 'a'.repeat(64) + '"}]',
  'del c.JupyterHub.admin_access', 'c.JupyterHub.admin_access += 1', 'c.Application.log_level = "DEBUG"', 'c.JupyterHub.ssl_cert = ""', 'c.KubeSpawner.profile_list = [{"display_name": "a", "kubespawner_override": {"image": "x"}}]', 'x = (', 'c.JupyterHub.bind_url = "http://:8000"',
];

/** @type {Record<string, (text: string, ctx: any) => string>} */
export const TEXT_MUTATORS = {
  deleteLines(text, { rng }) {
    const lines = splitLines(text);
    const [a, n] = lineSpan(rng, lines);
    lines.splice(a, n);
    return lines.join('');
  },
  duplicateLines(text, { rng }) {
    const lines = splitLines(text);
    const [a, n] = lineSpan(rng, lines);
    const block = lines.slice(a, a + n);
    if (block.length && !block[block.length - 1].endsWith('\n')) block[block.length - 1] += '\n';
    const times = rng.chance(0.9) ? 1 : rng.logInt(200);
    const copies = [];
    for (let i = 0; i < times; i++) copies.push(...block);
    lines.splice(rng.below(lines.length + 1), 0, ...copies);
    return lines.join('');
  },
  swapLines(text, { rng }) {
    const lines = splitLines(text);
    if (lines.length < 2) return text;
    const i = rng.below(lines.length);
    const j = rng.below(lines.length);
    const eol = (s) => (s.endsWith('\n') ? s : s + '\n');
    [lines[i], lines[j]] = [eol(lines[j]), eol(lines[i])];
    return lines.join('');
  },
  spliceOther(text, { rng, corpus }) {
    if (!corpus?.length) return text;
    const other = splitLines(rng.pick(corpus).text);
    const [a, n] = lineSpan(rng, other);
    const block = other.slice(a, a + n).join('');
    const lines = splitLines(text);
    const at = rng.below(lines.length + 1);
    const cut = rng.chance(0.3) ? rng.logInt(10) : 0;
    if (at > 0 && !lines[at - 1].endsWith('\n')) lines[at - 1] += '\n';
    lines.splice(at, cut, block.endsWith('\n') ? block : block + '\n');
    return lines.join('');
  },
  indent(text, { rng }) {
    const lines = splitLines(text);
    const [a, n] = lineSpan(rng, lines);
    const op = rng.below(4);
    for (let i = a; i < a + n; i++) {
      const ind = lineIndent(lines[i]);
      if (op === 0) lines[i] = ' '.repeat(rng.logInt(8)) + lines[i];
      else if (op === 1) lines[i] = lines[i].slice(Math.min(ind.length, rng.logInt(8)));
      else if (op === 2) lines[i] = '\t' + lines[i];
      else lines[i] = ind.replace(/ {2}/g, '\t') + lines[i].slice(ind.length);
    }
    return lines.join('');
  },
  deepNesting(text, ctx) {
    const { rng, kind } = ctx;
    const depth = rng.chance(0.7) ? rng.logInt(300) : rng.int(500, 3000);
    let snippet;
    if (kind === 'yaml') {
      if (rng.chance(0.5)) snippet = deepYamlBlock(rng, depth, rng.pick([1, 2, 2, 4]));
      else snippet = `${rng.pick(['key', 'hub', 'singleuser', '  config'])}: ${deepFlow(rng, depth)}`;
      // under hub.config sometimes, where the Python-side rules look
      if (rng.chance(0.3)) snippet = 'hub:\n  config:\n    JupyterHub:\n' + snippet.split('\n').map((l) => '      ' + l).join('\n');
    } else {
      snippet = deepPython(rng, depth);
    }
    return insertAtLine(rng, text, snippet);
  },
  aliases(text, { rng, kind }) {
    if (kind !== 'yaml') return insertAtLine(rng, text, 'x = [' + '[x] * 10, '.repeat(rng.logInt(20)) + ']');
    const op = rng.below(4);
    if (op === 0) {
      // an anchor on some value, an alias of it elsewhere
      let t = replaceNth(rng, text, /^(\s*[\w.-]+:)[ \t]+(\S.*)$/gm, (m) => `${m[1]} &a${rng.below(3)} ${m[2]}`);
      t = replaceNth(rng, t, /^(\s*[\w.-]+:)[ \t]+(\S.*)$/gm, (m) => `${m[1]} *a${rng.below(4)}`);
      return t;
    }
    if (op === 1) {
      // a small billion laughs
      const levels = rng.int(2, 9);
      const width = rng.int(2, 10);
      const out = ['a0: &a0 [x, x]'];
      for (let i = 1; i < levels; i++) out.push(`a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`);
      return insertAtLine(rng, text, out.join('\n'));
    }
    if (op === 2) return insertAtLine(rng, text, `base: &base\n  image: x\nother:\n  <<: *base\n  <<: [*base, *base]\n  self: *other`);
    return replaceNth(rng, text, /^(\s*)([\w.-]+):[ \t]*$/gm, (m) => `${m[1]}${m[2]}: ${rng.pick(['&x', '*x', '&x !!map', '!!seq', '<<'])}`);
  },
  longLine(text, { rng }) {
    const lines = splitLines(text);
    const i = rng.below(lines.length);
    const line = lines[i] ?? '';
    const len = rng.chance(0.8) ? rng.logInt(20000) : rng.int(20000, 200000);
    const body = line.replace(/\r?\n$/, '');
    const eol = line.slice(body.length);
    const op = rng.below(3);
    if (op === 0) lines[i] = body + 'x'.repeat(len) + eol;
    else if (op === 1) lines[i] = body + ('"' + 'a'.repeat(rng.logInt(90)) + '", ').repeat(Math.ceil(len / 40)) + eol;
    else lines[i] = (body || 'k: v').repeat(Math.max(1, Math.ceil(len / Math.max(1, body.length)))) + eol;
    return lines.join('');
  },
  unicode(text, { rng }) {
    const at = rng.below(text.length + 1);
    let ins = rng.pick(UNICODE);
    if (rng.chance(0.2)) ins = ins.repeat(rng.logInt(1000));
    return text.slice(0, at) + ins + text.slice(at);
  },
  bom(text) {
    return '\uFEFF' + text;
  },
  lineEnds(text, { rng }) {
    const op = rng.below(5);
    if (op === 0) return text.replace(/\r?\n/g, '\r\n');
    if (op === 1) return text.replace(/\r?\n/g, '\r');
    if (op === 2) return text.replace(/\r?\n/g, () => rng.pick(['\n', '\r\n', '\r']));
    if (op === 3) return text.replace(/\n$/, '');
    return replaceNth(rng, text, /\n/g, () => rng.pick(['\r', '\r\r\n', '\n\r', '\u2028', '\u0085', '\f\n', '\v']));
  },
  nul(text, { rng }) {
    const at = rng.below(text.length + 1);
    return text.slice(0, at) + '\u0000'.repeat(rng.logInt(4)) + text.slice(at);
  },
  quotes(text, { rng }) {
    const op = rng.below(4);
    if (op === 0) return replaceNth(rng, text, /(["'])([^"'\n]*)\1/g, (m) => m[2]);
    if (op === 1) return replaceNth(rng, text, /["']/g, () => '');
    if (op === 2) return replaceNth(rng, text, /: ([^\s#"'][^\n#]*)$/gm, (m) => `: ${rng.pick(['"', "'"])}${m[1]}`);
    return replaceNth(rng, text, /(["'])/g, (m) => (m[1] === '"' ? "'" : '"'));
  },
  numbers(text, { rng }) {
    const repl = () => (rng.chance(0.6) ? rng.pick(NUMBERS) : rng.pick(BOOLS));
    if (rng.chance(0.6)) return replaceNth(rng, text, /(?<![\w.])(\d+(?:\.\d+)?|true|false|True|False|None|null)(?![\w.])/g, repl);
    return replaceNth(rng, text, /(:|=)[ \t]*([^\n#]+)$/gm, (m) => `${m[1]} ${repl()}`);
  },
  truncate(text, { rng }) {
    return text.slice(0, rng.below(text.length + 1));
  },
  traitTypo(text, { rng, kind }) {
    // trait and class names (c.Class.trait, chart keys): where the catalogue lookups happen
    const re = kind === 'py' ? /(?<=c\.)[A-Za-z_]\w*|(?<=c\.[A-Za-z_]\w*\.)[A-Za-z_]\w*/g : /^[ \t]*(?:- )?([A-Za-z_][\w.-]*)(?=:)/gm;
    const t = replaceNth(rng, text, re, (m) => {
      const w = m[0];
      const id = /[A-Za-z_][\w.-]*$/.exec(w)[0];
      return w.slice(0, w.length - id.length) + typo(rng, id);
    });
    if (t !== text) return t;
    return replaceNth(rng, text, IDENT, (m) => typo(rng, m[0]));
  },
  jinja(text, { rng }) {
    let t = text;
    for (let i = rng.logInt(4); i > 0; i--) t = insertAtLine(rng, t, rng.pick(JINJA));
    return t;
  },
  snippet(text, { rng, kind }) {
    const pool = kind === 'yaml' ? YAML_SNIPPETS : PY_SNIPPETS;
    const s = rng.pick(pool);
    if (rng.chance(0.5)) {
      // at the indentation of a random line
      const lines = splitLines(text);
      const ref = lines[rng.below(Math.max(1, lines.length))] ?? '';
      return insertAtLine(rng, text, s.split('\n').map((l) => lineIndent(ref) + l).join('\n'));
    }
    return insertAtLine(rng, text, s);
  },
  charEdit(text, { rng }) {
    const at = rng.below(text.length + 1);
    const op = rng.below(4);
    if (op === 0) return text.slice(0, at) + text.slice(at + rng.logInt(20));
    if (op === 1) return text.slice(0, at) + rng.pick([':', '-', ' ', '#', '[', ']', '{', '}', '(', ')', ',', '"', "'", '\\', '|', '>', '&', '*', '!', '%', '@', '`', '=', '.', '\n', '\t']) + text.slice(at);
    if (op === 2) {
      const n = rng.logInt(200);
      return text.slice(0, at) + text.slice(at, at + n) + text.slice(at);
    }
    const b = rng.below(text.length + 1);
    const [x, y] = at < b ? [at, b] : [b, at];
    return text.slice(0, x) + text.slice(y, y + (y - x)) + text.slice(x, y) + text.slice(y + (y - x));
  },
  empty(text, { rng }) {
    return rng.pick(['', '\n', ' ', '#', '---', '\uFEFF', '\r\n', '\t\n', 'c = get_config()', 'hub:', 'hub:\n  config:']);
  },
};

/** @type {Record<string, (buf: Buffer, ctx: any) => Buffer>} */
export const BYTE_MUTATORS = {
  invalidUtf8(buf, { rng }) {
    const bad = rng.pick([[0xff], [0xfe], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0x80], [0x80], [0xf0, 0x9f]]);
    const at = rng.below(buf.length + 1);
    return Buffer.concat([buf.subarray(0, at), Buffer.from(bad), buf.subarray(at)]);
  },
  flipByte(buf, { rng }) {
    if (!buf.length) return buf;
    const out = Buffer.from(buf);
    const i = rng.below(out.length);
    out[i] ^= 1 << rng.below(8);
    return out;
  },
  deleteBytes(buf, { rng }) {
    const at = rng.below(buf.length + 1);
    return Buffer.concat([buf.subarray(0, at), buf.subarray(at + rng.logInt(8))]);
  },
  utf16(buf) {
    return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(buf.toString('utf8'), 'utf16le')]);
  },
};

const TEXT_WEIGHTS = [
  [8, 'deleteLines'], [6, 'duplicateLines'], [5, 'swapLines'], [8, 'spliceOther'], [6, 'indent'], [4, 'deepNesting'], [5, 'aliases'], [3, 'longLine'], [4, 'unicode'], [1, 'bom'],
  [3, 'lineEnds'], [1, 'nul'], [5, 'quotes'], [6, 'numbers'], [3, 'truncate'], [8, 'traitTypo'], [2, 'jinja'], [8, 'snippet'], [8, 'charEdit'], [0.3, 'empty'],
];
const BYTE_WEIGHTS = [[4, 'invalidUtf8'], [3, 'flipByte'], [3, 'deleteBytes'], [0.3, 'utf16']];

/**
 * Applies 1..maxSteps random mutators to a corpus entry. Returns { bytes, steps }: the mutated file and
 * the mutators applied, in order.
 */
export function mutate(entry, corpus, rng, maxSteps = 4) {
  const ctx = { rng, kind: entry.kind, corpus };
  let text = entry.text;
  const steps = [];
  const n = rng.logInt(maxSteps);
  for (let i = 0; i < n; i++) {
    const name = rng.weighted(TEXT_WEIGHTS);
    const next = TEXT_MUTATORS[name](text, ctx);
    if (next.length > MAX_TEXT) continue;
    text = next;
    steps.push(name);
  }
  let bytes = Buffer.from(text, 'utf8');
  if (rng.chance(0.06)) {
    const name = rng.weighted(BYTE_WEIGHTS);
    bytes = BYTE_MUTATORS[name](bytes, ctx);
    steps.push(name);
  }
  return { bytes, steps };
}
