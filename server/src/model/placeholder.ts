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
