import { defineRule, type Fix } from '../../types';
import { isEmptyLiteral, stringLiterals } from './common';
import { advisoriesFor, describe, fixedVersion, type Advisory } from './advisories';

/**
 * A requirement pinned to one version inside a string: `name==X.Y.Z`, `name===X`, `name<=X` (pip) or
 * `name=X.Y.Z` (conda). Ranges that let the installer pick a fixed release (>=, ~=, <, wildcards) are left alone.
 */
const PIN = /(?<![\w.-])(jupyter[-_.]server[-_.]proxy|dockerspawner|jupyterhub)(\[[^\]\s"']*\])?[ \t]*(===|==|<=|=)[ \t]*(\d+(?:\.\d+){0,3})(?![\w.*+!-])/gi;

const PIN_ANYWHERE = new RegExp(PIN.source, 'i');

function canonical(name: string): Advisory['package'] {
  const n = name.toLowerCase().replace(/[-_.]+/g, '-');
  return n as Advisory['package'];
}

export default defineRule({
  id: 'security/vulnerable-package',
  title: 'Pinned package version with a published advisory',
  severity: 'warning',
  rationale:
    'Configs often install or pin packages for the hub or the user servers: a `pip install` in `Spawner.cmd` or a KubeSpawner lifecycle hook, a list of requirements. A pin keeps that exact release forever, security fixes included out. Some releases of jupyter-server-proxy, DockerSpawner and JupyterHub have published advisories, the worst letting anyone on the network reach proxied applications without logging in.',
  howToFix:
    'Raise the pin to the fixed release named in the message (the quick fix does that) and rebuild or restart whatever installs it. For DockerSpawner before 13, setting `DockerSpawner.allowed_images` closes the hole until you can upgrade.',
  docs: [
    { title: 'GHSA-w3vc-fx9p-wp4v (jupyter-server-proxy)', url: 'https://github.com/advisories/GHSA-w3vc-fx9p-wp4v' },
    { title: 'GHSA-fvcq-4x64-hqxr (jupyter-server-proxy)', url: 'https://github.com/advisories/GHSA-fvcq-4x64-hqxr' },
    { title: 'GHSA-hfgr-h3vc-p6c2 (dockerspawner)', url: 'https://github.com/advisories/GHSA-hfgr-h3vc-p6c2' },
    { title: 'JupyterHub security advisories', url: 'https://github.com/jupyterhub/jupyterhub/security/advisories' },
  ],
  fix: 'unsafe',
  example: {
    bad: 'c.Spawner.cmd = ["sh", "-c", "pip install jupyter-server-proxy==4.0.0 && exec jupyterhub-singleuser"]',
    good: 'c.Spawner.cmd = ["sh", "-c", "pip install jupyter-server-proxy==4.2.0 && exec jupyterhub-singleuser"]',
  },
  check(ctx) {
    const text = ctx.model.text;
    // no pin anywhere in the file: no string literal holds one either
    if (!PIN_ANYWHERE.test(text)) return;
    // DockerSpawner with allowed_images set is not open to GHSA-hfgr-h3vc-p6c2
    const imagesRestricted = ctx.model.ops.some((o) => o.trait === 'allowed_images' && /Spawner$/.test(o.cls) && o.op !== '-=' && !isEmptyLiteral(o.value));
    for (const lit of stringLiterals(text)) {
      const content = text.slice(lit.content.start, lit.content.end);
      if (!/jupyter|dockerspawner/i.test(content)) continue;
      PIN.lastIndex = 0;
      for (let m = PIN.exec(content); m; m = PIN.exec(content)) {
        const pkg = canonical(m[1]);
        const version = m[4];
        if (m[3] === '=' && version.split('.').length < 3) continue; // conda prefix match: the newest of that line
        const list = advisoriesFor(pkg, version).filter((a) => !(a.id === 'GHSA-hfgr-h3vc-p6c2' && imagesRestricted));
        if (!list.length) continue;
        const to = fixedVersion(list, version);
        const start = lit.content.start + m.index;
        const vStart = start + m[0].length - version.length;
        const span = { start, end: start + m[0].length };
        const sameMajor = to.split('.')[0] === version.split('.')[0];
        const fixes: Fix[] = [{ title: `Raise ${pkg} to ${to}`, applicability: sameMajor ? 'unsafe' : 'suggestion', edits: [{ span: { start: vStart, end: vStart + version.length }, newText: to }] }];
        const critical = list.some((a) => a.severity === 'critical');
        ctx.report({
          span,
          severity: critical ? 'error' : 'warning',
          message: `${pkg} ${version} is affected by ${list.map(describe).join('; ')}. Fixed in ${to}`,
          fixes,
        });
      }
    }
  },
});
