import { defineRule } from '../../types';
import { DOCS, boolOf, containersOf, fieldValue, fragments, isNone, parentOf, profileOverrides, scalarFix, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/privilege-escalation',
  title: 'Privilege escalation allowed in user containers',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  fix: 'unsafe',
  rationale:
    'Since chart 2.0 user containers run with `allowPrivilegeEscalation: false` (the kernel\'s no_new_privs flag): setuid programs such as `sudo` or `su` cannot raise a process\'s privileges. Setting it to true lets any setuid binary in the image, or a sudoers rule, turn a user into root in their container; `null` leaves the choice to the cluster, which allows it. Severity: warning for `true` in user containers, information for `null` and for the chart\'s own pods.',
  howToFix:
    'Keep `singleuser.allowPrivilegeEscalation: false` (the quick fix sets it; `sudo` inside user servers stops working). Install software into user-writable locations instead of with sudo.',
  docs: [DOCS.ref('singleuser.allowPrivilegeEscalation'), DOCS.podSecurity],
  example: { bad: 'singleuser:\n  allowPrivilegeEscalation: true', good: 'singleuser:\n  allowPrivilegeEscalation: false' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('singleuser.allowPrivilegeEscalation')) {
        const on = boolOf(s.value) === true;
        if (!on && !isNone(s.value)) continue;
        if (isNone(s.value) && s.value.span.end <= s.value.span.start) {
          // `allowPrivilegeEscalation:` with nothing after it
          ctx.report({ span: s.keySpan, severity: 'information', message: 'singleuser.allowPrivilegeEscalation is null: the cluster default applies, which lets setuid programs (sudo, su) raise privileges in user containers. Set it to false' });
          continue;
        }
        const fix = scalarFix(ctx, s, 'false', 'unsafe', 'Forbid privilege escalation (sudo stops working in user servers)', parentOf(d, s));
        ctx.report({
          span: s.value.span,
          severity: on ? 'warning' : 'information',
          message: on
            ? 'singleuser.allowPrivilegeEscalation: true lets setuid programs (sudo, su) make users root in their containers. Set it to false'
            : 'singleuser.allowPrivilegeEscalation is null: the cluster default applies, which lets setuid programs (sudo, su) raise privileges in user containers. Set it to false',
          fixes: fix ? [fix] : [],
        });
      }
      for (const o of profileOverrides(d)) {
        const v = fieldValue(o.value, 'allow_privilege_escalation');
        if (boolOf(v) !== true) continue;
        ctx.report({ span: v!.span, message: `${o.where}: allow_privilege_escalation: true lets setuid programs (sudo, su) make users root in their containers` });
      }
      for (const f of fragments(d)) {
        for (const c of containersOf(f)) {
          const v = fieldValue(c.securityContext, 'allowPrivilegeEscalation');
          if (boolOf(v) !== true) continue;
          const user = f.pod === 'user' && !c.init;
          ctx.report({ span: v!.span, severity: user ? 'warning' : 'information', message: `${f.where}: allowPrivilegeEscalation: true in ${c.name === 'main' ? 'the container' : `the ${c.init ? 'init ' : ''}container ${c.name}`} lets setuid programs raise privileges` });
        }
      }
    }
  },
});
