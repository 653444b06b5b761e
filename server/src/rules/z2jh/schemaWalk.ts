import type { ChartSetting, Value } from '../../model/types';
import { childSchema, chartRemoved, compareChartVersions, chartRenames, type ChartRename, type SchemaNode } from '../../catalog/z2jh';
import type { RuleContext } from '../types';

export type SchemaVerdict =
  | { kind: 'ok'; node: SchemaNode }
  | { kind: 'open' }
  | { kind: 'unknown'; parent: SchemaNode }
  | { kind: 'below-unknown' };

/** Where a chart setting stands in the values schema of the chart version being judged. */
export function judgeSetting(ctx: RuleContext, s: ChartSetting): SchemaVerdict {
  const root = ctx.chart?.catalog.root;
  if (!root) return { kind: 'open' };
  let cur: SchemaNode = root;
  for (let i = 0; i < s.path.length; i++) {
    const r = childSchema(cur, s.path[i]);
    if (r.open) return { kind: 'open' };
    if (r.closed || !r.node) return i === s.path.length - 1 ? { kind: 'unknown', parent: cur } : { kind: 'below-unknown' };
    cur = r.node;
  }
  return { kind: 'ok', node: cur };
}

const pathPatterns = new Map<string, RegExp>();
function matchPath(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path;
  let re = pathPatterns.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('.').map((p) => (p === '*' ? '[^.]+' : p.replace(/[$^\\.*+?()[\]{}|]/g, '\\$&'))).join('\\.') + '$');
    pathPatterns.set(pattern, re);
  }
  return re.test(path);
}

/** A rename or retirement that applies to this setting's path at the judged chart version. */
/** The renames whose path pattern matches a dotted path, in catalogue order (memoised per path). */
const renamesByPath = new Map<string, ChartRename[]>();
function renamesMatching(dotted: string): ChartRename[] {
  let r = renamesByPath.get(dotted);
  if (!r) {
    r = chartRenames().filter((x) => matchPath(x.from, dotted));
    if (renamesByPath.size > 20_000) renamesByPath.clear();
    renamesByPath.set(dotted, r);
  }
  return r;
}

export function renameFor(ctx: RuleContext, s: ChartSetting): ChartRename | undefined {
  const dotted = s.path.join('.');
  const version = ctx.chart?.version ?? '0';
  return renamesMatching(dotted).find((r) => {
    if (r.since && compareChartVersions(r.since, version) > 0) return false;
    // "hub.extraConfig" (a string) → "hub.extraConfig.<name>": a mapping there is already the new form
    const to = Array.isArray(r.to) ? r.to : r.to ? [r.to] : [];
    if (s.value.kind === 'dict' && to.some((t) => t.startsWith(r.from + '.'))) return false;
    return true;
  });
}

/** The last chart version that had a path that the judged version no longer has. */
export function removedIn(ctx: RuleContext, s: ChartSetting): string | undefined {
  const last = chartRemoved()[s.path.join('.')];
  if (!last) return undefined;
  const version = ctx.chart?.version ?? '0';
  return compareChartVersions(last, version) < 0 ? last : undefined;
}

/** JSON-schema type names a value satisfies. */
export function jsonTypes(v: Value): string[] {
  switch (v.kind) {
    case 'str': return v.template ? [] : ['string'];
    case 'int': return ['integer', 'number'];
    case 'float': return ['number'];
    case 'bool': return ['boolean'];
    case 'none': return ['null'];
    case 'list': case 'tuple': case 'set': return ['array'];
    case 'dict': return ['object'];
    default: return [];
  }
}
