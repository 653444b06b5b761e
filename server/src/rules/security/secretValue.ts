/**
 * Values that look like credentials by their content, whatever the variable is called, and the
 * placeholder spellings that stand in for one in examples and templates.
 */

/** Token formats of well-known services (prefix and alphabet). */
const KNOWN_TOKEN = [
  /^gh[pousr]_[A-Za-z0-9]{30,}$/, // GitHub
  /^github_pat_[A-Za-z0-9_]{40,}$/,
  /^glpat-[A-Za-z0-9_-]{20,}$/, // GitLab
  /^xox[abposr]-[A-Za-z0-9-]{10,}$/, // Slack
  /^sk-(proj-|ant-)?[A-Za-z0-9_-]{20,}$/, // OpenAI, Anthropic
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id (its secret is usually next to it)
  /^AIza[0-9A-Za-z_-]{35}$/, // Google API key
  /^hf_[A-Za-z0-9]{30,}$/, // Hugging Face
  /^dop_v1_[a-f0-9]{64}$/, // DigitalOcean
];

/** Names whose values are long random-looking strings without being secrets (digests, ids, versions). */
const NOT_SECRET_NAME = /(^|_)(SHA|SHA\d*|COMMIT|HASH|DIGEST|CHECKSUM|VERSION|TAG|REF|REVISION|ID|UUID|FINGERPRINT|IMAGE|URL|URI|PATH|DIR|FILE|HOST|NAME|EMAIL)$/i;

/** Placeholders people write where a secret goes: `<your-token>`, `__TOKEN_HERE__`, `{AAD-APP-CLIENT-SECRET}`, `xxxxxxxx`. */
export function isPlaceholderText(s: string): boolean {
  const t = s.trim();
  if (/^<[^<>]*>$/.test(t) || /^\[[^\][]*\]$/.test(t) || /^\{[^{}]*\}$/.test(t)) return true;
  if (/^_{1,}[A-Za-z0-9_-]*_{1,}$/.test(t) && /^__/.test(t)) return true;
  if (/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(t) || /\{\{.*\}\}/.test(t)) return true;
  // one character repeated (xxxx, ****, 0000), possibly in groups (xxxx-xxxx)
  if (t.length >= 3 && new Set(t.replace(/[-_.\s]/g, '').toLowerCase()).size <= 1) return true;
  if (/(your|my|insert|replace|put|enter|fill)[-_ ]?(own[-_ ]?)?[a-z-_ ]*(here|token|secret|key|password)/i.test(t)) return true;
  if (/^(change[-_]?me|changeit|secret|password|token|redacted|example|dummy|test|todo|tbd|fixme|placeholder|none|null|undefined)$/i.test(t)) return true;
  return false;
}

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Whether a literal value looks like a credential by itself: a known token format, or a long
 * random-looking string (base64 / hex alphabet, high entropy). `name` rules out variables whose values
 * are random by nature (a commit SHA, an image digest, an id).
 */
export function looksLikeKey(value: string, name?: string): 'known' | 'random' | undefined {
  const t = value.trim();
  if (t.length < 20 || t.length > 1000 || /\s/.test(t) || isPlaceholderText(t)) return undefined;
  if (KNOWN_TOKEN.some((re) => re.test(t))) return 'known';
  if (name && NOT_SECRET_NAME.test(name)) return undefined;
  if (t.length < 32 || /:\/\/|^[./~]|@/.test(t)) return undefined;
  // UUIDs are mostly client or tenant ids
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)) return undefined;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(t) || !/[0-9]/.test(t) || !/[A-Za-z]/.test(t)) return undefined;
  const hex = /^[0-9a-fA-F]+$/.test(t);
  // hex: 4 bits per character at most; base64-like: mixed case as well
  if (hex ? entropy(t) >= 3.3 : /[a-z]/.test(t) && /[A-Z]/.test(t) && entropy(t) >= 4.2) return 'random';
  return undefined;
}
