import { defineRule } from '../../types';
import { byTrust, isFalse, opsFor } from '../../security/util';
import { DOCS, boolOf, fieldValue, profileOverrides, strOf, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/user-service-account-token',
  title: 'Kubernetes API token mounted into user pods',
  severity: 'warning',
  appliesTo: ['z2jh_values'],
  rationale:
    'User pods normally run without a Kubernetes service account token. Naming a service account (`singleuser.serviceAccountName`, or `service_account` in a profile) makes KubeSpawner mount that account\'s API token into every user pod, unless token mounting is switched off. Users\' code can then do in the Kubernetes API whatever the account may do: list secrets, start pods, read other users\' data. The z2jh security guide calls this as sensitive as writing sudo rules. A service account is often named only for cloud workload identity (IRSA, GKE Workload Identity), which does not need the Kubernetes token at all. With `--trust trusted-users` it is information.',
  howToFix:
    'If the service account is only there for cloud workload identity, stop the token mount: `singleuser.extraPodConfig.automountServiceAccountToken: false` (or `hub.config.KubeSpawner.automount_service_account_token: false`). If users really need the Kubernetes API, bind the account to a Role with the fewest permissions in their own namespace, never use `default` with extra rights.',
  docs: [DOCS.security('kubernetes-api-access', 'Kubernetes API access'), DOCS.ref('singleuser.serviceAccountName')],
  example: {
    bad: 'singleuser:\n  serviceAccountName: user-s3-access',
    good: 'singleuser:\n  serviceAccountName: user-s3-access\n  extraPodConfig:\n    automountServiceAccountToken: false',
  },
  check(ctx) {
    const sev = byTrust(ctx, 'warning', 'information') ?? 'information';
    const offByTrait = opsFor(ctx, 'KubeSpawner', 'automount_service_account_token').some((o) => o.op === '=' && isFalse(o.value));
    for (const d of valuesDocs(ctx)) {
      const podConfigFlag = fieldValue(d.value('singleuser.extraPodConfig'), 'automountServiceAccountToken');
      const off = offByTrait || boolOf(podConfigFlag) === false;
      if (podConfigFlag && boolOf(podConfigFlag) === true) {
        ctx.report({ span: podConfigFlag.span, severity: sev, message: 'automountServiceAccountToken: true mounts a Kubernetes API token into every user pod, where users\' code can use it. Set it to false unless users must reach the Kubernetes API' });
      }
      for (const s of d.all('singleuser.serviceAccountName')) {
        const name = strOf(s.value);
        if (!name || !name.trim() || off) continue;
        ctx.report({
          span: s.value.span,
          severity: sev,
          message: `KubeSpawner mounts the API token of the service account "${name}" into every user pod${name === 'default' ? ' (the namespace\'s default account, which other workloads may have been given rights to)' : ''}: users' code can do whatever it may do in the Kubernetes API. If it is only for cloud workload identity, set singleuser.extraPodConfig.automountServiceAccountToken: false`,
        });
      }
      for (const o of profileOverrides(d)) {
        const sa = fieldValue(o.value, 'service_account');
        const name = strOf(sa);
        const flag = boolOf(fieldValue(o.value, 'automount_service_account_token'));
        if (!sa || !name || !name.trim() || off || flag === false) continue;
        ctx.report({ span: sa.span, severity: sev, message: `${o.where} mounts the API token of the service account "${name}" into its user pods: users' code can do whatever it may do in the Kubernetes API. Add automount_service_account_token: false if the token is not needed` });
      }
    }
  },
});
