import { defineRule } from '../../types';
import { isTestContext, setValueFix } from '../util';
import { overridden } from './common';

export default defineRule({
  id: 'security/token-expiry-unlimited',
  title: 'API tokens may live forever',
  severity: 'information',
  rationale:
    'Since JupyterHub 5.1 `token_expires_in_max_seconds` caps how long a token that users request may live; 0 means no cap. A token that never expires keeps working long after its owner forgot it, in a notebook, a shell history or a CI secret. Setting 0 explicitly keeps that door open on purpose.',
  howToFix:
    'Set a finite cap that fits how tokens are used on your hub, e.g. 90 days (`90 * 24 * 3600`). Requests for a longer lifetime are then refused, and a token requested without one gets the cap.',
  docs: [
    { title: 'JupyterHub.token_expires_in_max_seconds', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html#jupyterhub.app.JupyterHub.token_expires_in_max_seconds' },
    { title: 'Changelog 5.1', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/changelog.html' },
  ],
  fix: 'suggestion',
  example: { bad: 'c.JupyterHub.token_expires_in_max_seconds = 0', good: 'c.JupyterHub.token_expires_in_max_seconds = 90 * 24 * 3600' },
  check(ctx) {
    if (!ctx.traits.getTrait('JupyterHub', 'token_expires_in_max_seconds')) return;
    const ops = ctx.model.ops.filter((o) => o.cls === 'JupyterHub' && o.trait === 'token_expires_in_max_seconds' && o.op === '=');
    for (const op of ops) {
      if (op.value.kind !== 'int' || op.value.value !== 0 || overridden(op, ops, ctx) || isTestContext(ctx, op)) continue;
      ctx.report({
        span: op.value.span,
        message: 'token_expires_in_max_seconds = 0: tokens that users request may never expire',
        fixes: [setValueFix(op.value.span, '90 * 24 * 3600', 'suggestion', 'Cap token lifetime at 90 days')],
      });
    }
  },
});
