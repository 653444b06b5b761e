import type { DictEntry, Value } from '../model/types';

/**
 * Decodes Python string literals from source text. Role names, scopes and member names are
 * compared character by character with JupyterHub's rules (`"abc\n"` is a valid role name,
 * `"abc\\n"` is not), so the RBAC rules read every string from its source: one or more
 * adjacent literals, with prefixes, all quote styles and escapes. Returns undefined for
 * anything that is not plainly a str literal (bytes, f-strings with fields, `\N{...}`).
 */
export function decodePyStringSource(src: string): string | undefined {
  let i = 0;
  let out = '';
  let any = false;
  const n = src.length;
  const skipGap = () => {
    for (;;) {
      while (i < n && /[ \t\f\r\n()]/.test(src[i])) i++;
      if (src[i] === '#') {
        while (i < n && src[i] !== '\n') i++;
        continue;
      }
      if (src[i] === '\\' && (src[i + 1] === '\n' || src[i + 1] === '\r')) {
        i += 2;
        continue;
      }
      break;
    }
  };
  skipGap();
  while (i < n) {
    const pm = /^[rRuUbBfF]{0,2}/.exec(src.slice(i, i + 2))!;
    const prefix = pm[0].toLowerCase();
    if (prefix.includes('b')) return undefined;
    i += pm[0].length;
    const q = src.startsWith("'''", i) ? "'''" : src.startsWith('"""', i) ? '"""' : src[i] === "'" || src[i] === '"' ? src[i] : undefined;
    if (!q) return undefined;
    i += q.length;
    const raw = prefix.includes('r');
    const fmt = prefix.includes('f');
    let closed = false;
    while (i < n) {
      if (src.startsWith(q, i)) {
        i += q.length;
        closed = true;
        break;
      }
      const ch = src[i];
      if (fmt && (ch === '{' || ch === '}')) {
        if (src[i + 1] === ch) {
          out += ch;
          i += 2;
          continue;
        }
        return undefined;
      }
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      const nx = src[i + 1];
      if (nx === undefined) return undefined;
      if (raw) {
        out += ch + nx;
        i += 2;
        continue;
      }
      const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };
      if (nx in simple) {
        out += simple[nx];
        i += 2;
        continue;
      }
      if (nx === '\r') {
        i += src[i + 2] === '\n' ? 3 : 2;
        continue;
      }
      if (/[0-7]/.test(nx)) {
        const m = /^[0-7]{1,3}/.exec(src.slice(i + 1, i + 4))!;
        out += String.fromCodePoint(parseInt(m[0], 8));
        i += 1 + m[0].length;
        continue;
      }
      const hex = nx === 'x' ? 2 : nx === 'u' ? 4 : nx === 'U' ? 8 : 0;
      if (hex) {
        const h = src.slice(i + 2, i + 2 + hex);
        if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(h)) return undefined;
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff) return undefined;
        out += String.fromCodePoint(cp);
        i += 2 + hex;
        continue;
      }
      if (nx === 'N') return undefined;
      out += ch + nx; // unknown escapes stay as written
      i += 2;
    }
    if (!closed) return undefined;
    any = true;
    skipGap();
  }
  return any ? out : undefined;
}

/** A copy of a value whose str literals (at any depth) hold their decoded text. */
export function decodeValue(text: string, v: Value, depth = 0): Value {
  if (depth > 60) return v;
  switch (v.kind) {
    case 'str': {
      const src = text.slice(v.span.start, v.span.end);
      if (!src.includes('\\') && src.length >= 2 && /^[rRuU]?(['"])[^'"]*\1$/.test(src)) return v;
      const d = decodePyStringSource(src);
      return d === undefined ? v : { ...v, value: d };
    }
    case 'list':
    case 'tuple':
    case 'set':
      return { ...v, items: v.items.map((i) => decodeValue(text, i, depth + 1)) };
    case 'dict':
      return { ...v, entries: v.entries.map((e): DictEntry => ({ ...e, key: decodeValue(text, e.key, depth + 1), value: decodeValue(text, e.value, depth + 1) })) };
    default:
      return v;
  }
}
