/**
 * Whole values that a templating or secrets tool replaces before the chart or the hub reads them:
 * `${VAR}` (envsubst, Terraform), `$(VAR)` (Kubernetes), `{{ x }}` (Helm, Jinja, gomplate),
 * sops ciphertext `ENC[AES256_GCM,data:...,type:bool]` and ansible-vault blobs. The text says
 * nothing about the type of the real value.
 */
export function isTemplateText(s: string): boolean {
  const t = s.trim();
  const c = t.charCodeAt(0);
  // '$', '{', 'E': every other value is decided by one comparison
  if (c !== 36 && c !== 123 && c !== 69) return false;
  return /^\$\{[^}]+\}$/.test(t) || /^\$\([^)]+\)$/.test(t) || /^\{\{[\s\S]*\}\}$/.test(t) || isEncryptedValue(t);
}

/**
 * Ciphertext of a secrets tool standing in for the value (sops `ENC[AES256_GCM,data:...]`,
 * ansible-vault `$ANSIBLE_VAULT;...`): the real secret lives elsewhere, so it is no literal secret.
 */
export function isEncryptedValue(s: string): boolean {
  const t = s.trim();
  return /^ENC\[[A-Z0-9_]+,data:/.test(t) || /^\$ANSIBLE_VAULT;/.test(t);
}

/** A line that holds only a Jinja statement (`{% if x %}`) or a Go template action (`{{- range . }}`). */
const TEMPLATE_STATEMENT = /^[ \t]*(\{%[-+]?\s*[a-z]+\b.*%\}|\{\{-?\s*(if|else|end|range|with|define|block|template)\b.*\}\})[ \t]*\r?$/;

/**
 * A `key: {{ x }}/{{ y }}` line: an unquoted value that starts with a template expression and goes on
 * after it (cookiecutter's `{{cookiecutter.name}}/prod`), which YAML reads as a broken flow mapping.
 */
const TEMPLATE_VALUE = /^[ \t]*(-[ \t]+)?[A-Za-z0-9_.-]+:[ \t]+\{\{[^{}\n]*\}\}[^#\n]*\S[ \t]*\r?$/;

/**
 * The template statement line that a syntax error at `offset` stands on, if any: a file with such
 * lines is the source of a config (cookiecutter, Ansible, Salt, helmfile), and only its rendered
 * output is a config. Returns the 0-based line and its text.
 */
export function templateStatementAt(text: string, offset: number): { line: number; text: string } | undefined {
  const at = Math.max(0, Math.min(offset, text.length));
  const start = text.lastIndexOf('\n', at - 1) + 1;
  let end = text.indexOf('\n', at);
  if (end < 0) end = text.length;
  // a template statement is a short line; a long one is never one (and the patterns would backtrack on it)
  if (end - start > 2000) return undefined;
  const line = text.slice(start, end);
  if (!TEMPLATE_STATEMENT.test(line) && !TEMPLATE_VALUE.test(line)) return undefined;
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) n++;
  return { line: n, text: line.trim().slice(0, 80) };
}

export function templateSkipReason(tag: { line: number; text: string }): string {
  return `this is a template, not a config (line ${tag.line + 1}: ${tag.text}): render it, then lint the result`;
}
