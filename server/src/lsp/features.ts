import type { TraitOp, ConfigModel } from '../model/types';
import type { TraitCatalog, ResolvedTrait } from '../catalog/traits';
import { TRAIT_SUMMARIES } from '../catalog/summaries';
import { describe } from '../catalog/typecheck';

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
    if (!removed) return undefined;
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
  kind: 'class' | 'trait';
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
