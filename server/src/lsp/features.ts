import type { TraitOp, ConfigModel } from '../model/types';
import type { TraitCatalog, ResolvedTrait } from '../catalog/traits';
import { TRAIT_SUMMARIES } from '../catalog/summaries';
import { describe } from '../catalog/typecheck';
import { childSchema, type ChartCatalog, type SchemaNode } from '../catalog/z2jh';
import { CHART_SUMMARIES } from '../catalog/chartSummaries';
import { RULES_BY_ID, ruleDocUrl } from '../rules';

function fmtDefault(t: ResolvedTrait): string | undefined {
  const e = t.entry;
  if (e.dynamicDefault) return 'computed at start-up';
  if ('default' in e) {
    const d = e.default;
    if (d === null) return 'None';
    if (d === true) return 'True';
    if (d === false) return 'False';
    if (typeof d === 'string') return `'${d}'`;
    return JSON.stringify(d);
  }
  if (e.defaultRepr) return e.defaultRepr;
  return undefined;
}

/** Markdown hover for a trait: type, default, versions, deprecation, our summary, link. */
export function traitHover(catalog: TraitCatalog, cls: string, trait: string): string | undefined {
  const t = catalog.getTrait(cls, trait);
  if (!t) {
    const removed = catalog.removedTrait(cls, trait);
    if (!removed) {
      // a base class section (c.Authenticator.x) reaches subclasses that have the trait
      const owners = catalog.classNames().filter((c) => c !== cls && catalog.isSubclass(c, cls) && catalog.getTrait(c, trait)?.definedIn === c);
      if (!owners.length) return undefined;
      const shown = owners.slice(0, 4).map((o) => `\`${o}\``).join(', ') + (owners.length > 4 ? ', …' : '');
      const own = traitHover(catalog, owners[0], trait);
      return [`**${cls}.${trait}**: not a trait of \`${cls}\`, but of ${shown}. traitlets reads the \`${cls}\` section for every class that inherits from it, so this takes effect only when the configured class is one of those.`, own ? `\n---\n\n${own}` : ''].join('\n');
    }
    return `**${cls}.${trait}** — not a working trait since JupyterHub ${removed.since}${removed.renamedTo ? `; use \`${removed.renamedTo}\`` : ''}.`;
  }
  const e = t.entry;
  const lines: string[] = [];
  lines.push(`**${cls}.${trait}**: \`${e.type}\`${e.item ? ` of \`${e.item}\`` : ''}${e.union ? ` (${e.union.join(' | ')})` : ''}${e.allowNone ? ', may be None' : ''}`);
  const summary = TRAIT_SUMMARIES[`${t.definedIn}.${trait}`] ?? TRAIT_SUMMARIES[`${cls}.${trait}`];
  if (summary) lines.push('', summary);
  const facts: string[] = [];
  const def = fmtDefault(t);
  if (def !== undefined) facts.push(`Default: \`${def}\``);
  if (e.values) facts.push(`Allowed: ${e.values.map((v) => `\`${v}\``).join(', ')}`);
  if (t.definedIn !== cls) facts.push(`Inherited from \`${t.definedIn}\``);
  facts.push(`${t.package === 'jupyterhub' ? 'JupyterHub' : t.package} ${t.package === 'jupyterhub' ? catalog.version : t.packageVersion}${e.added ? ` · since ${e.added}` : ''}`);
  for (const c of e.changed ?? []) facts.push(`Changed in ${c.version}: ${c.what} \`${c.from}\` → \`${c.to}\``);
  if (e.deprecated) facts.push(`**Deprecated**${e.deprecated.since ? ` since ${e.deprecated.since}` : ''}${e.deprecated.renamedTo ? `: use \`${e.deprecated.renamedTo}\`` : ''}${e.deprecated.effect === 'ignored' ? ' (setting it does nothing)' : ''}`);
  else if (e.helpSaysDeprecated) facts.push('The upstream help marks it as deprecated.');
  lines.push('', facts.join('  \n'));
  if (e.doc) lines.push('', `[Upstream documentation](${e.doc})`);
  return lines.join('\n');
}

export function classHover(catalog: TraitCatalog, cls: string): string | undefined {
  const c = catalog.getClass(cls);
  if (!c) return undefined;
  const n = catalog.traitsOf(cls).size;
  return [`**${cls}** (\`${c.entry.module}\`, ${c.package} ${c.package === 'jupyterhub' ? catalog.version : c.packageVersion})`, '', `${n} config traits${c.entry.bases.length ? `; inherits from ${c.entry.bases.map((b) => `\`${b}\``).join(', ')}` : ''}.`, c.entry.doc ? `\n[Upstream documentation](${c.entry.doc})` : ''].join('\n');
}

/** The op whose class or trait name covers an offset. */
export function opAt(model: ConfigModel | undefined, offset: number): { op: TraitOp; part: 'class' | 'trait' } | undefined {
  if (!model) return undefined;
  for (const op of model.ops) {
    if (offset >= op.traitSpan.start && offset <= op.traitSpan.end) return { op, part: 'trait' };
    if (offset >= op.clsSpan.start && offset <= op.clsSpan.end) return { op, part: 'class' };
  }
  return undefined;
}

/** Text-based fallback (the model may lag behind typing): `c.Class.trait` around the cursor on one line. */
export function dottedAt(line: string, character: number, configNames: string[]): { cls: string; trait?: string; part: 'class' | 'trait' } | undefined {
  const re = /\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)(?:\.([A-Za-z_]\w*))?/g;
  for (const m of line.matchAll(re)) {
    if (!configNames.includes(m[1])) continue;
    const clsStart = m.index! + m[1].length + 1;
    const clsEnd = clsStart + m[2].length;
    if (character >= clsStart && character <= clsEnd) return { cls: m[2], trait: m[3], part: 'class' };
    if (m[3]) {
      const tStart = clsEnd + 1;
      if (character >= tStart && character <= tStart + m[3].length) return { cls: m[2], trait: m[3], part: 'trait' };
    }
  }
  return undefined;
}

export interface CompletionEntry {
  label: string;
  kind: 'class' | 'trait' | 'key' | 'value';
  detail: string;
  documentation?: string;
  deprecated?: boolean;
}

/** Completion after `c.` (classes) and `c.Class.` (traits), from the line text before the cursor. */
export function completionsAt(catalog: TraitCatalog, before: string, configNames: string[]): CompletionEntry[] | undefined {
  const names = configNames.map((n) => n.replace(/[$^\\.*+?()[\]{}|]/g, '\\$&')).join('|');
  const traitM = new RegExp(`(?:^|[^\\w.])(?:${names})\\.([A-Za-z_]\\w*)\\.(\\w*)$`).exec(before);
  if (traitM) {
    const cls = traitM[1];
    if (!catalog.getClass(cls)) return [];
    const out: CompletionEntry[] = [];
    for (const t of catalog.traitsOf(cls).values()) {
      const def = fmtDefault(t);
      out.push({
        label: t.name,
        kind: 'trait',
        detail: `${describe(t.entry.type, t.entry)}${def !== undefined ? ` = ${def}` : ''}${t.definedIn !== cls ? ` (from ${t.definedIn})` : ''}`,
        documentation: traitHover(catalog, cls, t.name),
        deprecated: !!t.entry.deprecated,
      });
    }
    return out;
  }
  const clsM = new RegExp(`(?:^|[^\\w.])(?:${names})\\.(\\w*)$`).exec(before);
  if (clsM) {
    return catalog.classNames().map((name) => {
      const c = catalog.getClass(name)!;
      return { label: name, kind: 'class', detail: `${c.package} · ${c.entry.module}` };
    });
  }
  return undefined;
}

function fmtJson(v: unknown): string {
  if (v === null) return 'null';
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
}

/** Walks the schema along a key path; undefined where the schema is open or unknown. */
function schemaFor(root: SchemaNode, path: string[]): SchemaNode | undefined {
  let cur: SchemaNode | undefined = root;
  for (const k of path) {
    if (!cur) return undefined;
    cur = childSchema(cur, k).node;
  }
  return cur;
}

/** Markdown hover for a chart key: type, default, version added, our summary, the reference link. */
export function chartKeyHover(chart: { version: string; catalog: ChartCatalog }, path: string[]): string | undefined {
  const node = schemaFor(chart.catalog.root, path);
  const dotted = path.join('.');
  const summary = CHART_SUMMARIES[dotted];
  if (!node && !summary) return undefined;
  const lines = [`**${dotted}**${node?.t ? `: \`${Array.isArray(node.t) ? node.t.join(' | ') : node.t}\`` : ''}`];
  if (summary) lines.push('', summary);
  const facts: string[] = [];
  if (node && 'def' in node) facts.push(`Default: \`${fmtJson(node.def)}\``);
  if (node?.enum) facts.push(`Allowed: ${node.enum.map((e) => `\`${fmtJson(e)}\``).join(', ')}`);
  if (node?.ap === false) facts.push('Closed mapping: Helm rejects keys the chart does not list.');
  else if (node?.ap === true || (node && !node.p && node.t === 'object')) facts.push('Open mapping: any key is passed on.');
  facts.push(`Chart ${chart.version}${node?.added ? ` · since ${node.added}` : ''}`);
  lines.push('', facts.join('  \n'));
  if (node?.doc) lines.push('', `[z2jh configuration reference](${node.doc})`);
  return lines.join('\n');
}

/** The chart setting whose key covers an offset. */
export function chartSettingAt(model: ConfigModel | undefined, offset: number) {
  if (!model) return undefined;
  let best: ConfigModel['chart'][number] | undefined;
  for (const s of model.chart) if (offset >= s.keySpan.start && offset <= s.keySpan.end) best = s;
  return best;
}

/** Hover on a rule id inside a `# hubcfg: disable=...` comment: the rule's summary and doc link. */
export function ruleHoverAt(model: ConfigModel | undefined, offset: number): string | undefined {
  if (!model) return undefined;
  const c = model.comments.find((x) => offset >= x.span.start && offset <= x.span.end && /hubcfg:/.test(x.text));
  if (!c) return undefined;
  const rel = offset - c.span.start;
  for (const m of c.text.matchAll(/[a-z0-9]+\/[a-z0-9-]+/g)) {
    if (rel >= m.index! && rel <= m.index! + m[0].length) {
      const r = RULES_BY_ID.get(m[0]);
      if (!r) return `Unknown rule \`${m[0]}\``;
      return `**${r.id}**: ${r.title} (default ${r.severity}${r.fix ? `, fix: ${r.fix}` : ''})\n\n${r.rationale}\n\n[Rule documentation](${ruleDocUrl(r.id)})`;
    }
  }
  return undefined;
}

/**
 * The YAML key path at a line, from indentation (works while the file is being typed and does not
 * parse): the keys of the enclosing mappings, outermost first, relative to the document root.
 */
export function yamlPathAt(lines: string[], line: number, column: number): string[] {
  const path: string[] = [];
  let indent = column;
  for (let i = line; i >= 0; i--) {
    const l = lines[i];
    const m = /^(\s*)(?:-\s+)?([A-Za-z0-9_.\-]+)\s*:/.exec(l);
    if (!m || /^\s*#/.test(l)) continue;
    const ind = m[1].length;
    if (i === line) continue;
    if (ind < indent) {
      path.unshift(m[2]);
      indent = ind;
      if (ind === 0) break;
    }
  }
  return path;
}

/** Completion in a z2jh values file: chart keys from the schema, classes and traits under hub.config, enum values. */
export function yamlCompletions(catalog: TraitCatalog, chart: { version: string; catalog: ChartCatalog } | undefined, text: string, line: number, character: number, valuesRoot: string[]): CompletionEntry[] | undefined {
  const lines = text.split(/\r?\n/);
  const cur = lines[line] ?? '';
  const before = cur.slice(0, character);
  // a value position: `key: |`
  const valueM = /^(\s*)([A-Za-z0-9_.\-]+):\s*([^\s#]*)$/.exec(before);
  const keyM = /^(\s*)([A-Za-z0-9_.\-]*)$/.exec(before);
  if (!valueM && !keyM) return undefined;
  const indent = (valueM ?? keyM)![1].length;
  let path = yamlPathAt(lines, line, indent);
  // strip the wrapper (jupyterhub:, basehub.jupyterhub: ...)
  if (valuesRoot.length && valuesRoot.every((k, i) => path[i] === k)) path = path.slice(valuesRoot.length);
  if (valueM) {
    if (!chart) return undefined;
    const node = schemaFor(chart.catalog.root, [...path, valueM[2]]);
    if (!node?.enum && !(node?.t === 'boolean' || (Array.isArray(node?.t) && node!.t.includes('boolean')))) return undefined;
    const vals = node.enum ?? [true, false];
    return vals.map((v) => ({ label: String(v), kind: 'value' as const, detail: `${[...path, valueM[2]].join('.')}` }));
  }
  if (path[0] === 'hub' && path[1] === 'config') {
    if (path.length === 2) return catalog.classNames().map((name) => ({ label: name, kind: 'class' as const, detail: `${catalog.getClass(name)!.package} · ${catalog.getClass(name)!.entry.module}` }));
    if (path.length === 3) {
      const out: CompletionEntry[] = [];
      for (const t of catalog.traitsOf(path[2]).values()) {
        const def = fmtDefault(t);
        out.push({ label: t.name, kind: 'trait', detail: `${describe(t.entry.type, t.entry)}${def !== undefined ? ` = ${def}` : ''}`, documentation: traitHover(catalog, path[2], t.name), deprecated: !!t.entry.deprecated });
      }
      return out;
    }
    return undefined;
  }
  if (!chart) return undefined;
  const parent = path.length ? schemaFor(chart.catalog.root, path) : chart.catalog.root;
  if (!parent) return undefined;
  const keys = { ...(parent.p ?? {}), ...(parent.then?.p ?? {}) };
  return Object.entries(keys).map(([k, n]) => ({
    label: k,
    kind: 'key' as const,
    detail: `${n.t ? (Array.isArray(n.t) ? n.t.join(' | ') : n.t) : ''}${'def' in n && (typeof n.def !== 'object' || n.def === null) ? ` = ${fmtJson(n.def)}` : ''}`,
    documentation: chartKeyHover(chart, [...path, k]),
  }));
}
