import { defineRule, type Fix } from '../../types';
import type { EnvWrite, FunctionInfo, SecretSource, Value } from '../../../model/types';
import { hubSecretKind, isSpawnerClass } from './common';

/** What a secret attribute of the hub's objects holds, for messages. */
function attrKind(path: string): string | undefined {
  if (/client_secret$/.test(path)) return 'the OAuth client secret';
  if (/(bind_password|lookup_dn_search_password)$/.test(path)) return 'the LDAP bind password';
  if (/admin_password$/.test(path)) return "the authenticator's admin password";
  if (/(auth_token|proxy_auth_token)$/.test(path)) return 'the proxy API token';
  if (/cookie_secret$/.test(path)) return 'the cookie secret';
  if (/crypt_keeper\.keys$/.test(path)) return 'the auth-state encryption key';
  if (/db_url$/.test(path)) return 'the hub database URL (with its password)';
  return undefined;
}

function secretOf(s: SecretSource | undefined): string | undefined {
  if (!s) return undefined;
  return s.kind === 'env' ? hubSecretKind(s.name) : attrKind(s.name);
}

function readAs(s: SecretSource): string {
  return s.kind === 'env' ? `read from $${s.name}` : `read from ${s.name}`;
}

/** The functions a config op names (a function name, or a lambda written in place). */
function named(fns: FunctionInfo[], v: Value): FunctionInfo | undefined {
  if (v.kind === 'name') {
    const last = v.name.slice(v.name.lastIndexOf('.') + 1);
    const defs = fns.filter((f) => f.name === last);
    return defs[defs.length - 1];
  }
  if (v.kind === 'expr' && v.nodeType === 'lambda') return fns.find((f) => f.span.start === v.span.start && f.span.end === v.span.end);
  return undefined;
}

export default defineRule({
  id: 'security/hub-secret-in-hook-env',
  title: 'Hook code copies a hub secret into user servers',
  severity: 'error',
  fix: 'unsafe',
  rationale:
    'Hooks and spawner subclasses run inside the hub process, where the hub\'s own secrets are at hand: `os.environ` holds the proxy token, the cookie secret, the auth-state key, the database password and often the OAuth client secret, and objects such as `spawner.authenticator` carry the client secret. Whatever a `pre_spawn_hook`, a `modify_pod_hook`, a `pre_spawn_start` or `get_env` override, or a callable in `Spawner.environment` puts into a server\'s environment is readable by the code its user runs. This rule follows values inside the function body (through simple local assignments) from such a secret into `spawner.environment[...]`, `environment.update(...)`, the environment dict of `get_env`, a Kubernetes `V1EnvVar`, or the value an environment callable returns.',
  howToFix:
    'Do not hand the hub\'s secrets to user servers. If a server needs to reach a service, give it a token of its own with only the scopes it needs (a JupyterHub service role or a separate credential), or let the service authenticate users through the hub. The quick fix replaces the statement with `pass`; check what relied on it.',
  docs: [
    { title: 'Spawner.pre_spawn_hook and Spawner.environment', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/spawner.html' },
    { title: 'KubeSpawner.modify_pod_hook', url: 'https://jupyterhub-kubespawner.readthedocs.io/en/latest/spawner.html#kubespawner.KubeSpawner.modify_pod_hook' },
    { title: 'Security basics', url: 'https://jupyterhub.readthedocs.io/en/stable/tutorial/getting-started/security-basics.html' },
  ],
  example: {
    bad: "import os\ndef hook(spawner):\n    spawner.environment['DB_URL'] = os.environ['JUPYTERHUB_DB_URL']\nc.Spawner.pre_spawn_hook = hook",
    good: "import os\ndef hook(spawner):\n    spawner.environment['PROJECT'] = 'demo'\nc.Spawner.pre_spawn_hook = hook",
  },
  check(ctx) {
    const fns = ctx.model.functions ?? [];
    if (!fns.length) return;
    const report = (f: FunctionInfo, w: EnvWrite) => {
      const kind = secretOf(w.source);
      // the key alone names a variable only the hub uses (whatever the body computes for it)
      const byKey = !kind && w.key ? hubSecretKind(w.key, 'own') : undefined;
      if (!kind && !byKey) return;
      const where = f.name === '<lambda>' ? 'a lambda' : f.inClass ? `${f.inClass}.${f.name}` : `${f.name}()`;
      const what = kind ? `${kind} (${readAs(w.source!)})` : byKey!;
      const as = w.key ? ` as ${w.key}` : '';
      const fixes: Fix[] = w.stmtSpan ? [{ title: `Stop passing ${w.key ?? 'it'} to user servers (replace the statement with pass)`, applicability: 'unsafe', edits: [{ span: w.stmtSpan, newText: 'pass' }] }] : [];
      ctx.report({ span: kind ? w.valueSpan ?? w.source!.span : w.keySpan, message: `${where} puts ${what} into user servers' environment${as}, where users' code can read it`, fixes });
    };
    for (const f of fns) for (const w of f.envWrites) report(f, w);
    // callables in Spawner.environment: what they return is the variable's value
    for (const op of ctx.model.ops) {
      if (op.trait !== 'environment' || !isSpawnerClass(ctx, op.cls)) continue;
      const entries = op.op === 'item=' && op.key ? [{ key: op.key, value: op.value }] : op.value.kind === 'dict' && (op.op === '=' || op.op === 'update') ? op.value.entries : [];
      for (const e of entries) {
        const f = named(fns, e.value);
        if (!f) continue;
        for (const s of f.returns) {
          const kind = secretOf(s);
          if (!kind) continue;
          const key = e.key.kind === 'str' ? e.key.value : undefined;
          ctx.report({ span: s.span, message: `${op.cls}.environment${key ? `['${key}']` : ''} is computed by ${f.name === '<lambda>' ? 'a lambda' : `${f.name}()`}, which returns ${kind} (${readAs(s)}): every user server gets it, where users' code can read it`, fixes: [] });
        }
      }
    }
  },
});
