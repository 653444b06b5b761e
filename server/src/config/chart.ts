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
