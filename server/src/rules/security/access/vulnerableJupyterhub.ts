import { defineRule } from '../../types';
import { advisoriesFor, describe, fixedVersion } from './advisories';

export default defineRule({
  id: 'security/vulnerable-jupyterhub',
  title: 'JupyterHub release with published advisories',
  severity: 'warning',
  appliesTo: ['jupyterhub_config'],
  rationale:
    'When you tell hubcfg the exact JupyterHub release you run (e.g. `--jupyterhub-version 4.1.5`), it checks that release against the security advisories JupyterHub has published. A hub with a known, fixed vulnerability is exposed no matter how carefully the config is written. The finding lists each advisory and the first release that fixes them all.',
  howToFix:
    'Upgrade JupyterHub to the release named in the message or later (read the changelog for the major upgrades). Where an advisory only matters with some feature in use (sharing, filtered admin roles), turning that feature off is a stopgap until you can upgrade.',
  docs: [
    { title: 'JupyterHub security advisories', url: 'https://github.com/jupyterhub/jupyterhub/security/advisories' },
    { title: 'JupyterHub changelog', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/changelog.html' },
  ],
  example: { bad: '# hubcfg check --jupyterhub-version 4.1.5 jupyterhub_config.py', good: '# hubcfg check --jupyterhub-version 5.5.1 jupyterhub_config.py' },
  check(ctx) {
    // only a full release (X.Y.Z) says which patch release runs
    if (!/^\d+\.\d+\.\d+$/.test(ctx.jupyterhubVersion)) return;
    const list = advisoriesFor('jupyterhub', ctx.jupyterhubVersion);
    if (!list.length) return;
    const to = fixedVersion(list, ctx.jupyterhubVersion);
    ctx.report({
      span: { start: 0, end: 0 },
      message: `JupyterHub ${ctx.jupyterhubVersion} is affected by ${list.length} published advisor${list.length === 1 ? 'y' : 'ies'}: ${list.map(describe).join('; ')}. Upgrade to ${to} or later`,
    });
  },
});
