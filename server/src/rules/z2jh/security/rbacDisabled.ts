import { defineRule } from '../../types';
import { DOCS, boolOf, parentOf, scalarFix, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/rbac-disabled',
  title: 'The chart\'s Kubernetes RBAC rules turned off',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  fix: 'unsafe',
  rationale:
    'With `rbac.create: true` the chart binds each of its service accounts (hub, autohttps, user scheduler, image puller hook) to a Role with just the permissions it needs, e.g. the hub may manage pods and PVCs in its own namespace. With `false` it creates no Roles or bindings, and the components only work if someone grants permissions by hand, which in practice is often far broader ones (`cluster-admin` for the default service account). The z2jh security guide strongly discourages turning the chart\'s RBAC off.',
  howToFix:
    'Keep `rbac.create: true`. If your cluster policy requires pre-created service accounts, set `<component>.serviceAccount.create: false` and `name` instead, and grant those accounts no more than the chart\'s own Roles would.',
  docs: [DOCS.security('rbac', 'RBAC'), DOCS.ref('rbac.create')],
  example: { bad: 'rbac:\n  create: false', good: 'rbac:\n  create: true' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('rbac.create')) {
        if (boolOf(s.value) !== false) continue;
        const fix = scalarFix(ctx, s, 'true', 'unsafe', 'Let the chart create its minimal RBAC rules', parentOf(d, s));
        ctx.report({
          span: s.value.span,
          message: 'rbac.create: false: the chart grants its service accounts no permissions, so the hub and other components work only with permissions granted by hand, usually broader ones. Keep the chart\'s minimal RBAC rules',
          fixes: fix ? [fix] : [],
        });
      }
    }
  },
});
