import { compareVersions } from '../../../catalog/traits';

/**
 * Published advisories for packages a JupyterHub config installs or runs. Facts only: ids, affected
 * ranges (lower bound inclusive, upper bound exclusive) and the versions that fix them.
 * Sources: the projects' changelogs and the GitHub advisory database.
 */
export interface Advisory {
  id: string;
  cve?: string;
  package: 'jupyterhub' | 'jupyter-server-proxy' | 'dockerspawner';
  severity: 'critical' | 'high' | 'moderate' | 'low';
  summary: string;
  /** [from, to): from undefined = every earlier version */
  affected: { from?: string; to: string }[];
  /** first fixed version of each affected line */
  fixed: string[];
  /** when the advisory only matters with some feature in use */
  onlyWhen?: string;
  url: string;
}

const gh = (id: string) => `https://github.com/advisories/${id}`;

export const ADVISORIES: Advisory[] = [
  // JupyterHub
  { id: 'GHSA-c4gm-pwx9-9w8j', package: 'jupyterhub', severity: 'high', summary: 'vulnerability in user-initiated sharing', affected: [{ from: '5.0.0', to: '5.5.1' }], fixed: ['5.5.1'], onlyWhen: 'user-initiated sharing is enabled', url: gh('GHSA-c4gm-pwx9-9w8j') },
  { id: 'GHSA-69wv-m5fw-2fhp', package: 'jupyterhub', severity: 'low', summary: 'filtered admin roles not fully enforced', affected: [{ to: '5.5.1' }], fixed: ['5.5.1'], onlyWhen: 'roles grant filtered admin:users or admin:groups scopes', url: gh('GHSA-69wv-m5fw-2fhp') },
  { id: 'GHSA-p43p-whwx-q52h', cve: 'CVE-2026-54338', package: 'jupyterhub', severity: 'moderate', summary: 'unauthenticated denial of service through failed-login logging', affected: [{ to: '5.5.0' }], fixed: ['5.5.0'], url: gh('GHSA-p43p-whwx-q52h') },
  { id: 'GHSA-m68r-v472-jgq9', cve: 'CVE-2026-40864', package: 'jupyterhub', severity: 'moderate', summary: 'XSRF check bypassed on form endpoints', affected: [{ from: '4.1.0', to: '5.4.5' }], fixed: ['5.4.5'], url: gh('GHSA-m68r-v472-jgq9') },
  { id: 'GHSA-3vff-hjqv-m7h8', cve: 'CVE-2026-33709', package: 'jupyterhub', severity: 'moderate', summary: 'open redirect', affected: [{ to: '5.4.4' }], fixed: ['5.4.4'], url: gh('GHSA-3vff-hjqv-m7h8') },
  { id: 'GHSA-9x4q-3gxw-849f', cve: 'CVE-2024-41942', package: 'jupyterhub', severity: 'high', summary: 'admin:users holders can make themselves full admins', affected: [{ to: '4.1.6' }, { from: '5.0.0', to: '5.1.0' }], fixed: ['4.1.6', '5.1.0'], url: gh('GHSA-9x4q-3gxw-849f') },
  { id: 'GHSA-7r3h-4ph8-w38g', cve: 'CVE-2024-28233', package: 'jupyterhub', severity: 'high', summary: 'cross-user XSS and XSRF on same-origin deployments', affected: [{ to: '4.1.0' }], fixed: ['4.1.0'], url: gh('GHSA-7r3h-4ph8-w38g') },
  { id: 'GHSA-cw7p-q79f-m2v7', package: 'jupyterhub', severity: 'moderate', summary: 'incomplete logout with several JupyterLab tabs', affected: [{ to: '1.5.0' }], fixed: ['1.5.0'], url: gh('GHSA-cw7p-q79f-m2v7') },
  // jupyter-server-proxy
  { id: 'GHSA-w3vc-fx9p-wp4v', cve: 'CVE-2024-28179', package: 'jupyter-server-proxy', severity: 'critical', summary: 'websocket proxying did not require authentication', affected: [{ to: '3.2.3' }, { from: '4.0.0', to: '4.1.1' }], fixed: ['3.2.3', '4.1.1'], url: gh('GHSA-w3vc-fx9p-wp4v') },
  { id: 'GHSA-fvcq-4x64-hqxr', cve: 'CVE-2024-35225', package: 'jupyter-server-proxy', severity: 'moderate', summary: 'reflected XSS through an invalid host', affected: [{ to: '3.2.4' }, { from: '4.0.0', to: '4.2.0' }], fixed: ['3.2.4', '4.2.0'], url: gh('GHSA-fvcq-4x64-hqxr') },
  { id: 'GHSA-gcv9-6737-pjqw', package: 'jupyter-server-proxy', severity: 'moderate', summary: 'allowed_hosts not validated correctly', affected: [{ to: '3.2.1' }], fixed: ['3.2.1'], url: gh('GHSA-gcv9-6737-pjqw') },
  // dockerspawner
  { id: 'GHSA-hfgr-h3vc-p6c2', cve: 'CVE-2023-48311', package: 'dockerspawner', severity: 'high', summary: 'users could launch any image they chose', affected: [{ from: '0.11.0', to: '13.0.0' }], fixed: ['13.0.0'], onlyWhen: 'DockerSpawner.allowed_images is not set', url: gh('GHSA-hfgr-h3vc-p6c2') },
];

export function isAffected(a: Advisory, version: string): boolean {
  return a.affected.some((r) => (!r.from || compareVersions(version, r.from) >= 0) && compareVersions(version, r.to) < 0);
}

/** The advisories of a package that affect a version. */
export function advisoriesFor(pkg: Advisory['package'], version: string): Advisory[] {
  return ADVISORIES.filter((a) => a.package === pkg && isAffected(a, version));
}

/** The lowest version that fixes every given advisory for someone on `version` (staying on its line where a fix exists there). */
export function fixedVersion(list: Advisory[], version: string): string {
  let best = version;
  for (const a of list) {
    const next = [...a.fixed].sort(compareVersions).find((f) => compareVersions(f, version) > 0) ?? a.fixed[a.fixed.length - 1];
    if (compareVersions(next, best) > 0) best = next;
  }
  // a later fix may itself be affected by another advisory on that line (e.g. 4.1.1 by GHSA-fvcq-4x64-hqxr)
  const again = list.length ? ADVISORIES.filter((a) => a.package === list[0].package && isAffected(a, best)) : [];
  return again.length && best !== version ? fixedVersion(again, best) : best;
}

export function describe(a: Advisory): string {
  return `${a.id}${a.cve ? ` (${a.cve})` : ''}: ${a.summary}${a.onlyWhen ? `, if ${a.onlyWhen}` : ''}`;
}
