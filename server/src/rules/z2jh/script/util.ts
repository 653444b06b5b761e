import type { RuleContext } from '../../types';
import type { ChartSetting, TraitOp, Value } from '../../../model/types';
import { literalToJson } from '../../../model/types';
import { isSnippet } from '../../../model/fromYaml';
import { chartScript, schemaAt, type ChartScript } from '../../../catalog/z2jh';

/** The facts of the chart's config script for the release being judged (z2jh values only). */
export function scriptOf(ctx: RuleContext): ChartScript | undefined {
  if (!ctx.chart || ctx.model.kind !== 'z2jh_values') return undefined;
  return chartScript(ctx.chart.version);
}

const settingCache = new WeakMap<object, Map<string, ChartSetting>>();
/** The setting in effect at a chart key path (the last one written). */
export function settingAt(ctx: RuleContext, dotted: string): ChartSetting | undefined {
  let m = settingCache.get(ctx.model);
  if (!m) {
    m = new Map();
    for (const s of ctx.model.chart) m.set(s.path.join('.'), s);
    settingCache.set(ctx.model, m);
  }
  return m.get(dotted);
}

/** The JSON value of a chart key: the values' own, else the chart's default; undefined when unknown. */
export function chartValue(ctx: RuleContext, dotted: string): { value: unknown; known: boolean } {
  const s = settingAt(ctx, dotted);
  if (s) {
    const v = literalToJson(s.value);
    return { value: v, known: v !== undefined || s.value.kind === 'none' };
  }
  const node = ctx.chart ? schemaAt(ctx.chart.catalog.root, dotted.split('.')) : undefined;
  return { value: node?.def, known: node !== undefined && 'def' in node };
}

/**
 * Whether the script's guards hold for these values: true, false, or undefined when a guard's value
 * is not a literal (a template, a condition other than plain truth).
 */
export function guardsHold(ctx: RuleContext, when: string[] | undefined): boolean | undefined {
  let result: boolean | undefined = true;
  for (const g of when ?? []) {
    if (g.endsWith('?')) { result = undefined; continue; }
    const neg = g.startsWith('!');
    const { value, known } = chartValue(ctx, neg ? g.slice(1) : g);
    if (!known) { result = undefined; continue; }
    const truthy = !!value && !(Array.isArray(value) && !value.length) && !(typeof value === 'object' && !Array.isArray(value) && !Object.keys(value as object).length);
    if (truthy === neg) return false;
  }
  return result;
}

const snippetCache = new WeakMap<object, { start: number; end: number; key: string }[]>();
/** The hub.extraConfig snippet an operation is in (its key), or undefined for other origins. */
export function snippetOf(ctx: RuleContext, op: TraitOp): string | undefined {
  if (op.origin === 'chart' || op.origin === 'hub.config') return undefined;
  let spans = snippetCache.get(ctx.model);
  if (!spans) {
    spans = ctx.model.chart.filter(isSnippet).map((s) => ({ start: s.value.span.start, end: s.value.span.end, key: s.path[2] ?? '(string)' }));
    snippetCache.set(ctx.model, spans);
  }
  for (const s of spans) if (op.span.start >= s.start && op.span.end <= s.end) return s.key;
  return undefined;
}

/** Names of the entries of a `hub.services` / `hub.loadRoles` mapping. */
export function mappingNames(ctx: RuleContext, dotted: string): string[] {
  const s = settingAt(ctx, dotted);
  if (!s || s.value.kind !== 'dict') return [];
  const out: string[] = [];
  for (const e of s.value.entries) {
    if (e.key.kind !== 'str') continue;
    const name = e.value.kind === 'dict' ? e.value.entries.find((x) => x.key.kind === 'str' && x.key.value === 'name')?.value : undefined;
    out.push(name?.kind === 'str' ? name.value : e.key.value);
  }
  return out;
}

/** Names given in a list literal of dicts (`[{"name": ...}, ...]`). */
export function listNames(v: Value): string[] {
  if (v.kind !== 'list' && v.kind !== 'tuple') return [];
  const out: string[] = [];
  for (const it of v.items) {
    if (it.kind !== 'dict') continue;
    const n = it.entries.find((e) => e.key.kind === 'str' && e.key.value === 'name')?.value;
    if (n?.kind === 'str') out.push(n.value);
  }
  return out;
}

/** Where an operation comes from, for messages. */
export function where(ctx: RuleContext, op: TraitOp): string {
  if (op.origin === 'hub.config') return `hub.config.${op.cls}.${op.trait}`;
  const snip = snippetOf(ctx, op);
  const form = op.op === 'item=' ? '[...] = ...' : op.op.endsWith('=') ? ` ${op.op} ...` : `.${op.op}(...)`;
  return `c.${op.cls}.${op.trait}${form} in hub.extraConfig${snip && snip !== '(string)' ? `.${snip}` : ''}`;
}
