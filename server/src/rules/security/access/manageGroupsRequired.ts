import { compareVersions } from '../../../catalog/traits';
import { defineRule } from '../../types';
import { isFalse, isOAuthenticator } from '../util';
import { atLeast, authOps, isEmptyLiteral, loadsConfigDynamically, runningAuthenticator } from './common';

const GROUP_TRAITS = ['allowed_groups', 'admin_groups', 'auth_state_groups_key'];

export default defineRule({
  id: 'security/manage-groups-required',
  title: 'Group settings without manage_groups: the hub does not start',
  severity: 'error',
  rationale:
    'From OAuthenticator 17.0, `allowed_groups`, `admin_groups` and `auth_state_groups_key` work on JupyterHub groups and refuse to be set unless `manage_groups = True`: the authenticator raises an error while the hub loads its config, so the hub does not start. GenericOAuthenticator configs from 16.x, where these worked without `manage_groups`, stop at the upgrade. Provider rules such as `allowed_gitlab_groups` or `allowed_google_groups` are not affected. In a Helm values file `manage_groups` may be set by another file of the deployment, so there it is a warning.',
  howToFix: 'Add `manage_groups = True` next to the group settings (it also makes the hub keep each user\'s groups in sync with the provider), or remove the group settings.',
  docs: [
    { title: 'OAuthenticator 17.0 changelog', url: 'https://oauthenticator.readthedocs.io/en/latest/reference/changelog.html' },
    { title: 'OAuthenticator: allowing access (groups)', url: 'https://oauthenticator.readthedocs.io/en/latest/topic/allowing.html' },
  ],
  example: {
    bad: 'c.JupyterHub.authenticator_class = "generic-oauth"\nc.GenericOAuthenticator.allowed_groups = {"staff"}',
    good: 'c.JupyterHub.authenticator_class = "generic-oauth"\nc.GenericOAuthenticator.manage_groups = True\nc.GenericOAuthenticator.allowed_groups = {"staff"}',
  },
  check(ctx) {
    if (loadsConfigDynamically(ctx)) return;
    const running = runningAuthenticator(ctx);
    if (!running?.op || !isOAuthenticator(ctx, running.name)) return;
    const v = ctx.traits.pluginVersions.oauthenticator;
    if (!v || compareVersions(v, '17.0') < 0) return;
    if (!atLeast(ctx, '5.0') && !ctx.traits.pinnedPlugins.oauthenticator) return;
    // the setting must reach the running class (its own section or one of its bases)
    const reaches = (cls: string) => cls === running.name || ctx.traits.isSubclass(running.name, cls);
    if (authOps(ctx, 'manage_groups').some((o) => !isFalse(o.value) && (reaches(o.cls) || !ctx.traits.getClass(o.cls)))) return;
    const yaml = ctx.model.kind === 'z2jh_values';
    for (const op of ctx.model.ops) {
      if (!GROUP_TRAITS.includes(op.trait) || !reaches(op.cls) || op.conditional || op.op === '-=' || isEmptyLiteral(op.value)) continue;
      if (!ctx.traits.getTrait(running.name, op.trait)) continue;
      ctx.report({
        span: op.traitSpan,
        severity: yaml ? 'warning' : 'error',
        message: `${op.cls}.${op.trait} requires manage_groups = True with OAuthenticator ${v} (since 17.0): the authenticator raises an error and the hub does not start${yaml ? ' (values files are merged: fine if another file of the deployment sets manage_groups)' : ''}`,
      });
    }
  },
});
