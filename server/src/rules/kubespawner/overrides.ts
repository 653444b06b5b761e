import type { DictEntry, Value } from '../../model/types';
import type { Edit, RuleContext } from '../types';
import type { Span } from '../../util/text';
import { userOps } from '../security/exposure/spawnerPods';
import { dictsOf } from '../security/exposure/common';
import { entriesOf, fieldValue, profileOverrides, strOf, valuesDocs } from '../z2jh/security/common';

/**
 * One key of a `kubespawner_override` mapping: in `c.KubeSpawner.profile_list` (Python, hub.config) or
 * `singleuser.profileList` (z2jh values), at profile level or in a profile option's choice.
 *
 * KubeSpawner applies each key with `setattr(spawner, key, value)` when a server starts (after calling a
 * callable value with the spawner), merging a dict value into the trait's current dict since 5.0.
 */
export interface OverrideKey {
  key: string;
  keySpan: Span;
  value: Value;
  entry: DictEntry;
  /** the whole override mapping */
  override: Extract<Value, { kind: 'dict' }>;
  /** "profile \"GPU\"", "profile \"GPU\", option image, choice latest" */
  where: string;
  /** an unlisted choice: KubeSpawner formats `{value}` in its strings with what the user typed */
  unlisted: boolean;
  yaml: boolean;
}

const cache = new WeakMap<object, OverrideKey[]>();

function collect(out: OverrideKey[], seen: Set<string>, o: Value | undefined, where: string, unlisted: boolean, yaml: boolean): void {
  if (o?.kind !== 'dict') return;
  for (const e of entriesOf(o)) {
    // an anchored mapping repeated by aliases is one place: judge it once
    const id = `${e.key.span.start}:${e.key.span.end}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ key: e.key.value, keySpan: e.key.span, value: e.value, entry: e, override: o, where, unlisted, yaml });
  }
}

/** Every key of every kubespawner_override the user wrote (not the chart's own profile list). */
export function overrideKeys(ctx: RuleContext): OverrideKey[] {
  const cached = cache.get(ctx.model);
  if (cached) return cached;
  const out: OverrideKey[] = [];
  const seen = new Set<string>();
  cache.set(ctx.model, out);
  for (const { dict } of dictsOf(userOps(ctx, 'KubeSpawner', 'profile_list'))) {
    const name = strOf(fieldValue(dict, 'display_name')) ?? strOf(fieldValue(dict, 'slug')) ?? '?';
    const yaml = false;
    collect(out, seen, fieldValue(dict, 'kubespawner_override'), `profile "${name}"`, false, yaml);
    for (const opt of entriesOf(fieldValue(dict, 'profile_options'))) {
      for (const ch of entriesOf(fieldValue(opt.value, 'choices'))) {
        collect(out, seen, fieldValue(ch.value, 'kubespawner_override'), `profile "${name}", option ${opt.key.value}, choice ${ch.key.value}`, false, yaml);
      }
      collect(out, seen, fieldValue(opt.value, 'unlisted_choice', 'kubespawner_override'), `profile "${name}", option ${opt.key.value}, unlisted choice`, true, yaml);
    }
  }
  if (ctx.model.kind === 'z2jh_values') {
    for (const d of valuesDocs(ctx)) {
      for (const o of profileOverrides(d)) collect(out, seen, o.value, o.where, o.where.endsWith('unlisted choice'), true);
    }
  }
  // values written in hub.config are YAML too
  for (const k of out) if (!k.yaml && isYamlSpan(ctx, k.keySpan)) k.yaml = true;
  return out;
}

/** Whether a span lies in the YAML of a values file (not in embedded Python). */
function isYamlSpan(ctx: RuleContext, span: Span): boolean {
  if (ctx.model.kind !== 'z2jh_values') return false;
  return !(ctx.model.embedded ?? []).some((r) => r.span.start <= span.start && span.end <= r.span.end);
}

/** The KubeSpawner class whose traits the overrides set, or undefined when it is not catalogued or is the user's own subclass. */
export function judgedKubeSpawner(ctx: RuleContext): { cls: string; version: string } | undefined {
  const c = ctx.traits.getClass('KubeSpawner');
  if (!c) return undefined;
  // a subclass the config defines may add traits we cannot see
  if (ctx.model.definedClasses.length && ctx.model.ops.some((o) => o.trait === 'spawner_class' && o.value.kind === 'name' && ctx.model.definedClasses.includes(o.value.name))) return undefined;
  return { cls: 'KubeSpawner', version: c.packageVersion };
}

/** An edit that renames an override key, keeping its quotes. */
export function renameKey(ctx: RuleContext, k: OverrideKey, name: string): Edit {
  const text = ctx.model.text.slice(k.keySpan.start, k.keySpan.end);
  const q = text[0];
  if ((q === '"' || q === "'") && text.length >= 2 && text[text.length - 1] === q) {
    return { span: { start: k.keySpan.start + 1, end: k.keySpan.end - 1 }, newText: name };
  }
  return { span: k.keySpan, newText: name };
}

/** Python source for a replacement value → the same value in YAML, when the spelling is evident. */
export function yamlSpelling(py: string): string | undefined {
  if (py === 'True') return 'true';
  if (py === 'False') return 'false';
  if (py === 'None') return 'null';
  if (/^-?\d+(\.\d+)?$/.test(py)) return py;
  return undefined;
}

/**
 * Old names KubeSpawner lists as aliases but defines no forwarding property for (two entries of its
 * alias list run together for want of a comma): set at start-up they are plain attributes, ignored.
 */
const NO_ALIAS = new Set(['singleuser_allow_privilege_escalation', 'singleuser_lifecycle_hooks']);

/** A removed KubeSpawner name that, set on the spawner at start-up, still reaches its new name. */
export function forwardedAlias(ctx: RuleContext, cls: string, key: string): { to: string; since?: string; exact: boolean } | undefined {
  const r = ctx.traits.removedTrait(cls, key);
  if (!r || !r.renamedTo || NO_ALIAS.has(key)) return undefined;
  // "ignored" describes the config file (the name is dropped there); at start-up the alias property forwards it
  const to = r.renamedTo.slice(r.renamedTo.lastIndexOf('.') + 1);
  return { to, since: r.since, exact: r.exact !== false };
}
