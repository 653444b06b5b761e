import { defineRule } from '../../types';
import { byTrust } from '../../security/util';
import { DOCS, boolOf, envVars, fieldValue, profileOverrides, strOf, valuesDocs, type EnvVar } from './common';

/** the docker-stacks start script compares the value with exactly these two */
const TRUTHY = /^(yes|1)$/;

export default defineRule({
  id: 'z2jh/grant-sudo',
  title: 'Passwordless sudo for every user',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'In docker-stacks based images `GRANT_SUDO=yes` (or `1`) makes the start script give the notebook user passwordless sudo, i.e. root inside the container. It takes effect only when the container starts as root (`singleuser.uid: 0`) and privilege escalation is allowed (`singleuser.allowPrivilegeEscalation: true`; the chart\'s default false stops sudo from working). Every user is then root in their server: they can change the image, read anything the pod mounts, and use any weakness of the container runtime to reach the node. The docker-stacks documentation itself advises sudo only for trusted users or isolated hosts, so with `--trust trusted-users` the rule reports information.',
  howToFix:
    'Remove `GRANT_SUDO`; let users install software with conda or pip into their home directory or a user environment. If some users really need root, give it to them through a separate profile on isolated nodes, not to everyone.',
  docs: [{ title: 'docker-stacks: GRANT_SUDO', url: 'https://jupyter-docker-stacks.readthedocs.io/en/latest/using/common.html#permission-specific-configurations' }, DOCS.ref('singleuser.allowPrivilegeEscalation'), DOCS.ref('singleuser.uid')],
  example: {
    bad: 'singleuser:\n  uid: 0\n  allowPrivilegeEscalation: true\n  cmd: start-singleuser.sh\n  extraEnv:\n    GRANT_SUDO: "yes"',
    good: 'singleuser:\n  uid: 1000\n  allowPrivilegeEscalation: false',
  },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      const uid = d.value('singleuser.uid');
      const rootStart = uid?.kind === 'int' && uid.value === 0;
      const esc = boolOf(d.value('singleuser.allowPrivilegeEscalation')) === true;
      const places: { vars: EnvVar[]; where: string; root: boolean; esc: boolean }[] = [];
      for (const s of d.all('singleuser.extraEnv')) places.push({ vars: envVars(s.value), where: 'singleuser.extraEnv', root: rootStart, esc });
      for (const o of profileOverrides(d)) {
        const pu = fieldValue(o.value, 'uid');
        const pe = boolOf(fieldValue(o.value, 'allow_privilege_escalation'));
        places.push({ vars: envVars(fieldValue(o.value, 'environment')), where: o.where, root: rootStart || (pu?.kind === 'int' && pu.value === 0), esc: pe ?? esc });
      }
      for (const p of places) {
        for (const env of p.vars) {
          if (env.name !== 'GRANT_SUDO' || !env.value) continue;
          const v = env.value.kind === 'int' ? String(env.value.value) : strOf(env.value);
          if (!v || !TRUTHY.test(v.trim())) continue;
          const effective = p.root && p.esc;
          ctx.report({
            span: env.nameSpan,
            severity: effective ? byTrust(ctx, 'warning', 'information') ?? 'information' : 'information',
            message: effective
              ? `${p.where}: GRANT_SUDO with a root start and privilege escalation allowed gives every user passwordless sudo, i.e. root in their container`
              : `${p.where}: GRANT_SUDO gives users passwordless sudo once the container starts as root with privilege escalation allowed (uid: 0, allowPrivilegeEscalation: true); as set here it does nothing. Remove it unless users are meant to be root`,
          });
        }
      }
    }
  },
});
