import { defineRule, type Severity } from '../../types';
import { DOCS, DROPS_ROOT, containersOf, envVars, fieldValue, fragments, literalText, profileOverrides, strOf, valuesDocs } from './common';

/** docker-stacks start scripts: they begin as root and switch to NB_USER before the server starts. */

export default defineRule({
  id: 'z2jh/root-user',
  title: 'Containers that run as root',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'By default the chart starts user servers as uid 1000 with group 100. `singleuser.uid: 0` (or a profile\'s `uid: 0`, `NB_UID=0`, a pod `runAsUser: 0`) starts the container as root. With the default command (`jupyterhub-singleuser`) the server and everything users run in it are then root in the container: they can change the image\'s software, read every file the pod mounts, and are one kernel or runtime bug away from the node. The docker-stacks start scripts (`start-singleuser.sh`, `start-singleuser.py`) begin as root and switch to the unprivileged user, which is the documented reason to start as root; giving group 0 (`fsGid: 0`) makes volumes root-group owned. Severity: warning when users\' code runs as root, information when a start script drops root first, for `fsGid: 0` and for sidecars, init containers and the chart\'s own pods.',
  howToFix:
    'Keep `singleuser.uid: 1000` (or null for the image\'s own user). If root is needed only to set things up, start with a docker-stacks start script (`singleuser.cmd: start-singleuser.sh`), which drops to `NB_USER`, or do the setup in an init container. Use `fsGid: 100` or another non-root group. For the chart\'s own pods keep the default `containerSecurityContext`.',
  docs: [DOCS.ref('singleuser.uid'), DOCS.ref('singleuser.fsGid'), DOCS.podSecurity],
  example: { bad: 'singleuser:\n  uid: 0', good: 'singleuser:\n  uid: 1000\n  fsGid: 100' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      const cmd = d.value('singleuser.cmd');
      const first = cmd?.kind === 'list' ? strOf(cmd.items[0]) : strOf(cmd);
      const drops = !!first && DROPS_ROOT.test(first.trim());
      const userSev: Severity = drops ? 'information' : 'warning';
      const why = drops ? ' (the start script switches to NB_USER before the server starts, but it and anything it runs first are root)' : ': the server and users\' code run as root inside the container';
      for (const s of d.all('singleuser.uid')) {
        if (s.value.kind !== 'int' || s.value.value !== 0) continue;
        ctx.report({ span: s.value.span, severity: userSev, message: `singleuser.uid: 0 starts user containers as root${why}` });
      }
      for (const s of d.all('singleuser.fsGid')) {
        if (s.value.kind !== 'int' || s.value.value !== 0) continue;
        ctx.report({ span: s.value.span, severity: 'information', message: 'singleuser.fsGid: 0 gives user pods the root group and makes their volumes root-group owned. Use a non-root group such as 100' });
      }
      for (const s of d.all('singleuser.extraEnv')) {
        for (const env of envVars(s.value)) {
          const v = literalText(env.value);
          if ((env.name === 'NB_UID' && v?.trim() === '0') || (env.name === 'NB_USER' && v?.trim() === 'root')) {
            ctx.report({ span: env.value!.span, severity: 'warning', message: `${env.name}=${v!.trim()} makes the docker-stacks start script run the server as root: users' code runs as root in the container` });
          }
        }
      }
      for (const o of profileOverrides(d)) {
        const uid = fieldValue(o.value, 'uid');
        if (uid?.kind === 'int' && uid.value === 0) ctx.report({ span: uid.span, severity: userSev, message: `${o.where} starts user containers as root (uid: 0)${why}` });
      }
      for (const f of fragments(d)) {
        // pod-level securityContext of user pods
        if (f.kind === 'pod' && f.pod === 'user') {
          const ru = fieldValue(f.value, 'securityContext', 'runAsUser');
          if (ru?.kind === 'int' && ru.value === 0) ctx.report({ span: ru.span, severity: userSev, message: `${f.where}: securityContext.runAsUser: 0 runs user pods as root${why}` });
        }
        if (f.kind === 'podSecurityContext') {
          const ru = fieldValue(f.value, 'runAsUser');
          if (ru?.kind === 'int' && ru.value === 0) ctx.report({ span: ru.span, severity: 'information', message: `${f.where}: runAsUser: 0 runs ${f.pod === 'user' ? 'user pods' : 'the chart\'s pod'} as root. Keep a non-root user` });
        }
        for (const c of containersOf(f)) {
          const ru = fieldValue(c.securityContext, 'runAsUser');
          if (ru?.kind !== 'int' || ru.value !== 0) continue;
          const userMain = f.pod === 'user' && !c.init && f.kind === 'securityContext';
          ctx.report({
            span: ru.span,
            severity: userMain ? userSev : 'information',
            message: userMain ? `${f.where}: runAsUser: 0 runs user containers as root${why}` : `${f.where}: the ${c.init ? 'init ' : ''}container ${c.name} runs as root (runAsUser: 0). Run it as an unprivileged user unless it must be root`,
          });
        }
      }
    }
  },
});
