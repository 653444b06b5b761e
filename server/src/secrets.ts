import type { ConfigModel, Value } from './model/types';
import type { Finding } from './rules/types';
import { isEncryptedValue, isPlaceholder, mask } from './rules/security/util';
import { isSecretName } from './rules/z2jh/security/common';

/**
 * The engine masks secrets centrally: it knows which values of the model are secrets (the value of a
 * secret trait or chart key, of a secret-named dict key or environment variable, the password of a URL)
 * and replaces their text in every message and fix title, whatever rule wrote it. Fix edits keep
 * their text: the file holds it anyway.
 */

/** Traits whose value is a secret, whatever its name says (the rest: by name, see isSecretName). */
const SECRET_TRAITS = new Set([
  'cookie_secret', 'proxy_auth_token', 'auth_token', 'api_token', 'client_secret', 'github_client_secret',
  'lookup_dn_search_password', 'password', 'user_password', 'admin_password', 'shared_password', 'recaptcha_secret',
  'recaptcha_key', 'secret_key', 'keys', 'db_password',
]);
/** Traits whose dict keys are secrets (token → owner). */
const SECRET_KEY_TRAITS = new Set(['api_tokens', 'service_tokens']);
/** Chart keys named like secrets that hold names of Secrets, not secrets. */
const NOT_SECRET_CHART_KEYS = new Set(['existingSecret', 'imagePullSecret', 'imagePullSecrets', 'secretName', 'secretKeyRef', 'extraSecrets']);
/** `scheme://user:password@host` */
// bounded parts and a start only where a scheme can start: linear on long runs of letters (found by the fuzzer)
const URL_PASSWORD = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^:/@\s]{0,256}:([^@/\s]{1,256})@/gi;

function secretWord(name: string): boolean {
  return isSecretName(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

/** The texts under which a secret value may appear in a message. */
function leafTexts(v: Value, text: string, out: Set<string>): void {
  if (v.kind === 'str') {
    if (v.template || isPlaceholder(v.value) || isEncryptedValue(v.value) || !v.value.trim()) return;
    out.add(v.value);
    if (v.value.trim() !== v.value) out.add(v.value.trim());
  } else if (v.kind === 'int' || v.kind === 'float') {
    out.add(String(v.value));
    if (v.kind === 'float' && Number.isInteger(v.value)) out.add(v.value.toFixed(1));
    const src = text.slice(v.span.start, v.span.end).trim();
    if (src && src.length < 100) out.add(src);
  } else if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') {
    for (const i of v.items) leafTexts(i, text, out);
  } else if (v.kind === 'dict') {
    // a Kubernetes env entry whose value comes from a Secret (valueFrom) names that Secret: no secret text
    if (v.entries.some((e) => e.key.kind === 'str' && (e.key.value === 'valueFrom' || e.key.value === 'secretKeyRef'))) return;
    for (const e of v.entries) leafTexts(e.value, text, out);
  }
}

/** Secrets nested anywhere in a value: under secret-named dict keys, `{name: X_TOKEN, value: ...}`, URL passwords. */
function nestedSecrets(v: Value, text: string, out: Set<string>, depth = 0): void {
  if (depth > 50) return;
  if (v.kind === 'str') {
    if (v.value.includes('://')) for (const m of v.value.matchAll(URL_PASSWORD)) if (!isPlaceholder(m[1])) out.add(m[1]);
  } else if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'set') {
    for (const i of v.items) nestedSecrets(i, text, out, depth + 1);
  } else if (v.kind === 'dict') {
    const name = v.entries.find((e) => e.key.kind === 'str' && e.key.value === 'name')?.value;
    const named = name?.kind === 'str' && secretWord(name.value);
    for (const e of v.entries) {
      const k = e.key.kind === 'str' ? e.key.value : undefined;
      if (k !== undefined && ((named && k === 'value') || (!NOT_SECRET_CHART_KEYS.has(k) && (SECRET_TRAITS.has(k) || secretWord(k))))) leafTexts(e.value, text, out);
      nestedSecrets(e.value, text, out, depth + 1);
    }
  }
}

/** Every secret text of a model (longest first). */
export function secretTexts(model: ConfigModel): string[] {
  const out = new Set<string>();
  const text = model.text;
  for (const op of model.ops) {
    if (SECRET_TRAITS.has(op.trait)) leafTexts(op.value, text, out);
    else if (secretWord(op.trait) && op.value.kind === 'str') leafTexts(op.value, text, out);
    if (SECRET_KEY_TRAITS.has(op.trait)) {
      if (op.value.kind === 'dict') for (const e of op.value.entries) leafTexts(e.key, text, out);
      if (op.key) leafTexts(op.key, text, out);
    }
    nestedSecrets(op.value, text, out);
  }
  for (const s of model.chart) {
    const last = s.path[s.path.length - 1] ?? '';
    const parent = s.path[s.path.length - 2] ?? '';
    const secretKey = !NOT_SECRET_CHART_KEYS.has(last) && (secretWord(last) || (last === 'key' && parent === 'manual'));
    if (secretKey && s.value.kind !== 'dict' && s.value.kind !== 'list') leafTexts(s.value, text, out);
    // an extraEnv entry's own value ({value: ...}); a valueFrom only names where the secret is kept
    else if (secretKey && /extraEnv$/i.test(parent) && s.value.kind === 'dict') for (const e of s.value.entries) if (e.key.kind === 'str' && e.key.value === 'value') leafTexts(e.value, text, out);
    nestedSecrets(s.value, text, out);
  }
  return [...out].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const WORD = 'A-Za-z0-9_';

/** Replaces every appearance of a secret in a text by its mask. */
export function maskText(msg: string, secrets: string[]): string {
  let out = msg;
  for (const s of secrets) {
    if (!out.includes(s.length > 6 ? s.slice(0, 6) : s)) continue;
    const m = mask(s);
    const esc = escapeRe(s);
    const jsonEsc = escapeRe(JSON.stringify(s).slice(1, -1));
    const pyEsc = escapeRe(s.replace(/\\/g, '\\\\').replace(/'/g, "\\'"));
    // quoted forms first (the mask brings its own quotes), then the bare text
    out = out.replace(new RegExp(`"(?:${esc}|${jsonEsc})"|'(?:${esc}|${pyEsc})'`, 'g'), () => m);
    // a short secret made of letters ("a", "abc") would mask words of the message: only its quoted forms
    if (s.length >= 4 || /[^A-Za-z]/.test(s)) out = out.replace(new RegExp(`(?<![${WORD}])${esc}(?![${WORD}])`, 'g'), () => m);
    // a shortened form: a prefix of 6 or more characters followed by an ellipsis
    if (s.length > 6) out = maskShortened(out, s, m);
  }
  return out;
}

function maskShortened(text: string, s: string, m: string): string {
  let out = text;
  for (let i = out.indexOf('…'); i >= 0; i = out.indexOf('…', i + 1)) {
    for (let k = Math.min(i, s.length); k >= 6; k--) {
      if (out.slice(i - k, i) !== s.slice(0, k)) continue;
      let a = i - k;
      let b = i + 1;
      if (/['"]/.test(out[a - 1] ?? '') && out[b] === out[a - 1]) { a--; b++; }
      out = out.slice(0, a) + m + out.slice(b);
      i = a + m.length - 1;
      break;
    }
  }
  return out;
}

/** Masks the secrets of a model in the messages and fix titles of findings (in place). */
export function maskFindings(model: ConfigModel, findings: Finding[]): void {
  if (!findings.length) return;
  const secrets = secretTexts(model);
  if (!secrets.length) return;
  for (const f of findings) {
    f.message = maskText(f.message, secrets);
    for (const x of f.fixes) x.title = maskText(x.title, secrets);
  }
}
