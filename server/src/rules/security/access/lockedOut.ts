import type { TraitOp } from '../../../model/types';
import { lineEnding } from '../../../util/text';
import type { RuleContext } from '../../types';
import { compareVersions } from '../../../catalog/traits';
import { defineRule } from '../../types';
import { isFalse, isOAuthenticator, isTestContext, opsFor } from '../util';
import { allowRules, atLeast, authOps, isAuthenticatorClass, isEmptyLiteral, loadsConfigDynamically, runningAuthenticator } from './common';

type Kind = 'oauth' | 'local' | 'ldap' | 'shared';

/**
 * Which allow logic the running authenticator has, when the catalogue knows it: OAuthenticator 16+
 * (allow_all off by default, every allow rule explicit), and JupyterHub 5's own rule (allow_all off
 * by default) for PAM / local, LDAP and shared-password logins. Dummy and FirstUse compute their own
 * allow_all default (everyone when no rule is set); Null logs nobody in; others are plugins.
 */
function lockKind(ctx: RuleContext, name: string): { kind: Kind; why: string } | undefined {
  const is = (base: string) => name === base || ctx.traits.isSubclass(name, base);
  const cls = ctx.traits.getClass(name);
  if (!cls) return undefined;
  // a class that computes its own allow_all default (Dummy, FirstUse) lets everyone in without a rule
  for (const n of [name, ...ancestors(ctx, name)]) if (ctx.traits.getClass(n)?.entry.dynamicDefaults?.includes('allow_all')) return undefined;
  if (isOAuthenticator(ctx, name)) {
    const v = ctx.traits.pluginVersions.oauthenticator;
    if (!v || compareVersions(v, '16.0') < 0) return undefined;
    // a JupyterHub before 5 with an OAuthenticator version nobody asked for: security/no-allow-rule says both
    if (!atLeast(ctx, '5.0') && !ctx.traits.pinnedPlugins.oauthenticator) return undefined;
    return { kind: 'oauth', why: `OAuthenticator ${v} admits nobody without an allow rule (since 16.0)` };
  }
  if (!atLeast(ctx, '5.0')) return undefined;
  const why = `JupyterHub ${ctx.jupyterhubVersion} admits nobody without an allow rule (allow_all is False by default since 5.0)`;
  if (is('LocalAuthenticator')) return { kind: 'local', why };
  if (is('LDAPAuthenticator')) return { kind: 'ldap', why };
  if (is('SharedPasswordAuthenticator')) return { kind: 'shared', why };
  return undefined;
}

function ancestors(ctx: RuleContext, name: string): string[] {
  const out: string[] = [];
  const todo = [...(ctx.traits.getClass(name)?.entry.bases ?? [])];
  while (todo.length) {
    const b = todo.shift()!;
    if (out.includes(b)) continue;
    out.push(b);
    todo.push(...(ctx.traits.getClass(b)?.entry.bases ?? []));
  }
  return out;
}

/** Settings that admit someone (or may: a value the file does not spell out). */
function admits(ctx: RuleContext): TraitOp[] {
  const out = [...allowRules(ctx)];
  // CILogon's idps (17.4) is allowed_idps under its new name: it counts the same
  out.push(...authOps(ctx, 'idps'));
  for (const t of ['allow_all', 'allow_existing_users', 'any_allow_config', 'check_allowed']) out.push(...authOps(ctx, t).filter((o) => !isFalse(o.value)));
  // admins are allowed by OAuthenticator; JupyterHub's own authenticators are not judged on it here
  out.push(...authOps(ctx, 'admin_users').filter((o) => o.op !== '-=' && !isEmptyLiteral(o.value)));
  out.push(...opsFor(ctx, 'JupyterHub', 'admin_users').filter((o) => !isEmptyLiteral(o.value)));
  return out;
}

export default defineRule({
  id: 'security/locked-out',
  title: 'No allow rule: nobody can log in',
  severity: 'error',
  rationale:
    'Since JupyterHub 5.0 (`Authenticator.allow_all` defaults to False) and OAuthenticator 16.0, an authenticator admits nobody unless an allow rule says who: `allow_all`, `allowed_users`, `admin_users`, a group, organisation, team, project or identity-provider rule of the authenticator, or `allow_existing_users` with users already in the database. A config written for older versions, with none of these, starts fine and then answers every login with 403 Forbidden. The rule is an error in a whole `jupyterhub_config.py`; in a Helm values file, a file of `jupyterhub_config.d` or a config that builds settings at run time the rule may live elsewhere, so it is a warning or not reported. CILogonOAuthenticator from 16.0 also needs `allowed_idps` (`idps` from 17.4): without it every login is refused whatever the allow rules say. Authenticators that allow everyone by default (Dummy, FirstUse), plugins the catalogue does not describe and classes the config defines itself are not judged.',
  howToFix:
    'Add the allow rule your hub needs: `allowed_users`, the group/organisation rule of your authenticator (`allowed_organizations`, `allowed_groups`, `allowed_gitlab_groups`, ...), or `allow_all = True` if everyone who can authenticate should get in. For CILogon, list the identity providers in `allowed_idps`, each with `allow_all` or `allowed_domains`.',
  docs: [
    { title: 'Upgrading to JupyterHub 5: allow_all and allow_existing_users', url: 'https://jupyterhub.readthedocs.io/en/stable/howto/upgrading-v5.html#authenticator-allow-all-and-allow-existing-users' },
    { title: 'OAuthenticator: allowing access', url: 'https://oauthenticator.readthedocs.io/en/latest/topic/allowing.html' },
    { title: 'OAuthenticator 16.0 changelog', url: 'https://oauthenticator.readthedocs.io/en/latest/reference/changelog.html' },
  ],
  fix: 'unsafe',
  example: {
    bad: '# JupyterHub 5.3\nc.JupyterHub.authenticator_class = "github"\nc.GitHubOAuthenticator.oauth_callback_url = "https://hub.example.org/hub/oauth_callback"',
    good: '# JupyterHub 5.3\nc.JupyterHub.authenticator_class = "github"\nc.GitHubOAuthenticator.allowed_organizations = {"my-org"}',
  },
  check(ctx) {
    if (loadsConfigDynamically(ctx)) return;
    const yaml = ctx.model.kind === 'z2jh_values';
    const selected = ctx.model.ops.filter((o) => o.cls === 'JupyterHub' && o.trait === 'authenticator_class');
    // a values file that selects none keeps the chart's DummyAuthenticator (z2jh/default-dummy-authenticator)
    if (yaml && !selected.length) return;
    const running = runningAuthenticator(ctx);
    if (!running) return;
    // no authenticator_class: judge only a whole config (get_config() and hub settings), as security/no-allow-rule does
    // no authenticator_class (PAM): only a whole config (get_config()) that configures authentication itself;
    // a file about other things may be combined with the one that does
    if (!running.op) {
      if (!/^[ \t]*\w+[ \t]*=[ \t]*get_config\([ \t]*\)/m.test(ctx.model.text)) return;
      if (!ctx.model.ops.some((o) => isAuthenticatorClass(ctx, o.cls))) return;
    }
    if (running.op && isTestContext(ctx, running.op)) return;
    const lock = lockKind(ctx, running.name);
    if (!lock) return;
    const span = running.op ? running.op.value.span : { start: 0, end: 0 };
    const fragment = /(^|[\\/])jupyterhub_config\.d[\\/]/.test(ctx.filePath ?? '');
    const severity = yaml || fragment ? 'warning' : 'error';
    const elsewhere = yaml ? ' (values files are merged: fine if another file of the deployment sets one)' : fragment ? ' (another file of jupyterhub_config.d may set one)' : '';

    // CILogon: every identity provider must be listed
    const cilogon = running.name === 'CILogonOAuthenticator' || ctx.traits.isSubclass(running.name, 'CILogonOAuthenticator');
    if (cilogon && lock.kind === 'oauth') {
      const idps = [...authOps(ctx, 'allowed_idps'), ...authOps(ctx, 'idps')];
      if (!idps.length) {
        ctx.report({
          span,
          severity,
          message: `${running.name} without allowed_idps: OAuthenticator ${ctx.traits.pluginVersions.oauthenticator} refuses every login ("identity provider is not pre-configured")${elsewhere}. List the identity providers in allowed_idps`,
        });
        return;
      }
    }
    if (admits(ctx).length) return;
    const fix = yaml ? [] : allowAllFix(ctx, running.op, running.name);
    ctx.report({
      span,
      severity,
      message: `${running.name} with no allow rule: ${lock.why}, so every login gets 403 Forbidden${elsewhere}. Set allowed_users, a group rule of the authenticator, or allow_all = True`,
      fixes: fix,
    });
  },
});

/** Adds `c.Authenticator.allow_all = True` after the statement that selects the authenticator: it lets everyone in, so never safe. */
function allowAllFix(ctx: RuleContext, op: TraitOp | undefined, name: string) {
  if (!op || op.origin !== undefined && op.origin !== 'python') return [];
  if (ctx.model.kind !== 'jupyterhub_config') return [];
  const text = ctx.model.text;
  let end = op.span.end;
  // the end of the statement's line, before its line end (never between a \r and its \n)
  while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  // only after a statement alone on its line, at the top level
  let start = op.span.start;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  if (text.slice(start, op.span.start).trim() || op.conditional) return [];
  const prefix = text.slice(op.span.start, op.clsSpan.start);
  if (!/^\w+\.$/.test(prefix)) return [];
  void name;
  return [{ title: 'Allow everyone who can log in (allow_all = True)', applicability: 'unsafe' as const, edits: [{ span: { start: end, end }, newText: `${lineEnding(text)}${prefix}Authenticator.allow_all = True` }] }];
}
