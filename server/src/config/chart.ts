import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

/**
 * The z2jh chart version a values file is written for, read from a Chart.yaml (Helm 3) or
 * requirements.yaml (Helm 2) beside it that depends on the `jupyterhub` chart.
 */
export function detectChartVersion(valuesFile: string): { version: string; from: string } | undefined {
  const dir = path.dirname(path.resolve(valuesFile));
  for (const name of ['Chart.yaml', 'requirements.yaml']) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) continue;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    try {
      const doc = parse(text) as { name?: string; version?: string; dependencies?: { name?: string; version?: string }[] } | null;
      const dep = doc?.dependencies?.find((d) => d?.name === 'jupyterhub');
      if (dep?.version) {
        const m = /(\d+\.\d+\.\d+|\d+\.\d+|\d+)/.exec(String(dep.version));
        if (m) return { version: m[1], from: file };
      }
      // the z2jh chart itself
      if (doc?.name === 'jupyterhub' && doc.version) {
        // in the chart's own repository the version is chartpress's placeholder: the development head
        const v = String(doc.version);
        return { version: /set\.by\.chartpress/.test(v) ? 'main' : v, from: file };
      }
    } catch {
      /* not YAML we can read */
    }
  }
  return undefined;
}

const CHART_ROOT_KEYS = ['hub', 'proxy', 'singleuser', 'scheduling', 'prePuller', 'ingress', 'cull', 'debug', 'rbac', 'global', 'imagePullSecrets', 'imagePullSecret', 'custom'];

/**
 * The z2jh chart's own `values.yaml`: defaults, not a deployment. Recognised by a Chart.yaml beside it
 * naming the chart `jupyterhub` (in the chart's repository its version is chartpress's placeholder), or by
 * the file's shape: `fullnameOverride` and `nameOverride` at the root beside most of the chart's sections, and
 * chartpress's `set-by-chartpress` image tags (a copy of a released chart's values has real tags: it is judged).
 */
export function isChartDefaults(valuesFile: string | undefined, text: string): boolean {
  if (valuesFile && /^values\.ya?ml$/i.test(path.basename(valuesFile))) {
    try {
      const chart = path.join(path.dirname(path.resolve(valuesFile)), 'Chart.yaml');
      if (fs.existsSync(chart)) {
        const doc = parse(fs.readFileSync(chart, 'utf8')) as { name?: unknown; dependencies?: unknown } | null;
        // the chart itself (or a vendored copy of it), not a wrapper chart that depends on it
        const deps = doc && Array.isArray(doc.dependencies) ? (doc.dependencies as { name?: unknown }[]) : [];
        if (doc && typeof doc === 'object' && doc.name === 'jupyterhub' && !deps.some((d) => d?.name === 'jupyterhub')) return true;
      }
    } catch {
      /* no Chart.yaml we can read: judge by the shape */
    }
  }
  const root = new Set<string>();
  for (const m of text.slice(0, 400_000).matchAll(/^([A-Za-z][A-Za-z0-9]*):/gm)) root.add(m[1]);
  // a copy of a released chart's values (`helm show values`) is a deployment's start: only the chart's source
  // carries chartpress's image tag placeholder
  if (!/^\s+tag:\s*["']?set[-.]by[-.]chartpress["']?\s*$/m.test(text)) return false;
  return root.has('fullnameOverride') && root.has('nameOverride') && CHART_ROOT_KEYS.filter((k) => root.has(k)).length >= 8;
}
