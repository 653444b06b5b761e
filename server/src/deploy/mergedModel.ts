/**
 * One model for a whole deployment: the values files Helm gets (`-f a -f b`), merged as Helm merges
 * them, so that rules judge what the chart really receives.
 *
 * The files are laid end to end in one virtual text (each at its own base offset, separated by a
 * line break), and every span of every file's model is moved to its base. Rules then read one model
 * as they always do; a finding's span says by itself which file it is in and where. Chart settings are
 * merged by key path as Helm merges user values: a mapping over a mapping merges key by key, anything
 * else (a scalar, a list, null, a mapping over a non-mapping) replaces what earlier files set, so the
 * settings of the merged model are the ones in effect, each still at the place that wrote it. The
 * traitlets operations that chart settings stand for are made again from the merged settings;
 * extraConfig Python counts where its snippet is still in effect.
 */
import type { ChartSetting, ConfigModel, DictEntry, TraitOp, Value } from '../model/types';
import { isSnippet, settingOps } from '../model/fromYaml';
import type { Span } from '../util/text';

export interface DeploymentPart {
  path: string;
  text: string;
  model: ConfigModel;
}

export interface MergedDeployment {
  model: ConfigModel;
  /** where each file starts in the virtual text */
  bases: number[];
  files: string[];
  lengths: number[];
}

/** Deep copy of model data with every span (`{start, end}`) moved by `delta`. */
export function shifted<T>(v: T, delta: number): T {
  if (delta === 0 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => shifted(x, delta)) as T;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) out[k] = shifted(o[k], delta);
  if (typeof o.start === 'number' && typeof o.end === 'number') {
    out.start = (o.start as number) + delta;
    out.end = (o.end as number) + delta;
  }
  return out as T;
}

interface Node {
  /** the setting in effect at this path (for a mapping: the last file that wrote it) */
  setting: ChartSetting;
  file: number;
  /** present for mappings */
  children?: Map<string, Node>;
}

/** Which file of the deployment a virtual offset falls in (-1: none). */
export function fileAt(m: MergedDeployment, offset: number): number {
  for (let i = m.bases.length - 1; i >= 0; i--) if (offset >= m.bases[i]) return offset <= m.bases[i] + m.lengths[i] ? i : -1;
  return -1;
}

/** Merges the models of a deployment's values files, in Helm's order (later files win). */
export function mergeModels(parts: DeploymentPart[]): MergedDeployment {
  const bases: number[] = [];
  let at = 0;
  for (const p of parts) {
    bases.push(at);
    at += p.text.length + 1;
  }
  const text = parts.map((p) => p.text).join('\n');
  const models = parts.map((p, i) => shifted(p.model, bases[i]));

  // Helm reads the first YAML document of a values file
  const root = new Map<string, Node>();
  models.forEach((m, file) => {
    for (const s of m.chart) {
      if (s.doc !== 0) continue;
      let level = root;
      let ok = true;
      for (const k of s.path.slice(0, -1)) {
        const n = level.get(k);
        if (!n?.children) {
          ok = false; // its parent was replaced by a non-mapping written later in this file
          break;
        }
        level = n.children;
      }
      if (!ok) continue;
      const key = s.path[s.path.length - 1];
      const prev = level.get(key);
      if (s.value.kind === 'dict') level.set(key, { setting: s, file, children: prev?.children ?? new Map() });
      else level.set(key, { setting: s, file });
    }
  });

  const chart: ChartSetting[] = [];
  /** pushes the settings in effect under a node (pre-order, as a file's model lists them); returns its merged value */
  const emit = (n: Node): Value => {
    if (!n.children) {
      chart.push({ ...n.setting, doc: 0 });
      return n.setting.value;
    }
    const at = chart.length;
    chart.push(n.setting);
    const entries: DictEntry[] = [];
    for (const [k, c] of n.children) entries.push({ key: { kind: 'str', value: k, span: c.setting.keySpan, plain: true }, value: emit(c), span: c.setting.span });
    const value: Value = { kind: 'dict', entries, span: n.setting.value.span };
    chart[at] = { ...n.setting, value, doc: 0 };
    return value;
  };
  for (const n of root.values()) emit(n);

  // the section key of a hub.config trait: in the file that wrote the trait
  const sectionKey = new Map<string, Span>();
  models.forEach((m, file) => {
    for (const s of m.chart) if (s.doc === 0 && s.path.length === 3 && s.path[0] === 'hub' && s.path[1] === 'config' && !sectionKey.has(`${file}|${s.path[2]}`)) sectionKey.set(`${file}|${s.path[2]}`, s.keySpan);
  });
  const fileOf = (offset: number) => {
    for (let i = bases.length - 1; i >= 0; i--) if (offset >= bases[i]) return i;
    return 0;
  };
  const ops: TraitOp[] = settingOps(chart, undefined, (s) => sectionKey.get(`${fileOf(s.keySpan.start)}|${s.path[2]}`));

  // extraConfig Python of the snippets still in effect
  const snippets = chart.filter(isSnippet).map((s) => s.value.span);
  for (const m of models) {
    for (const op of m.ops) {
      if (op.origin === 'hub.config' || op.origin === 'chart') continue;
      if (snippets.some((sp) => op.span.start >= sp.start && op.span.end <= sp.end)) ops.push(op);
    }
  }
  ops.sort((a, b) => a.span.start - b.span.start);

  const union = (xs: string[][]) => [...new Set(xs.flat())];
  const model: ConfigModel = {
    kind: 'z2jh_values',
    text,
    ops,
    configNames: union(models.map((m) => m.configNames)),
    imports: { os: true, insertAt: 0 },
    syntaxErrors: models.flatMap((m) => m.syntaxErrors),
    definedClasses: union(models.map((m) => m.definedClasses)),
    comments: models.flatMap((m) => m.comments),
    chart,
    valuesRoots: models.map((m) => m.valuesRoots?.[0] ?? []),
    embedded: models.flatMap((m) => m.embedded ?? []),
  };
  return { model, bases, files: parts.map((p) => p.path), lengths: parts.map((p) => p.text.length) };
}
