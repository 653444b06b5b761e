import type { TraitOp, Value } from '../../../model/types';
import type { RuleContext } from '../../types';
import { liveOps, dictItems, dictsOf, spawnerClass } from './common';
import { lastAssignment } from '../util';
import { entriesOf, fieldValue, strOf } from '../../z2jh/security/common';

export { CRITICAL_HOST_PATH, DANGEROUS_CAPS, DROPS_ROOT } from '../../z2jh/security/common';

/**
 * KubeSpawner and DockerSpawner settings that shape user containers, as written in Python
 * (jupyterhub_config.py, hub.extraConfig) or under hub.config. The chart's own keys (singleuser.uid,
 * singleuser.extraPodConfig, ...) reach the same traits and are judged by the z2jh rules, so ops the
 * chart derives from its values (origin "chart") are left out here.
 */


/** Ops of a spawner family's trait written by the user (not derived by the chart), outside test blocks. */
export function userOps(ctx: RuleContext, base: string, trait: string): TraitOp[] {
  return liveOps(ctx, base, trait).filter((o) => o.origin !== 'chart');
}

/**
 * One place that sets KubeSpawner traits: the traits themselves, or a profile's
 * `kubespawner_override` (whose keys are trait names).
 */
export interface KubeSource {
  /** for messages: "KubeSpawner.uid", "profile \"GPU\": uid" */
  label(trait: string): string;
  /** values given to a trait (plain assignments) */
  values(trait: string): Value[];
  /** entries put into a dict trait (assignment, update, item assignment) */
  entries(trait: string): { key: string; value: Value }[];
  /** items of a list trait */
  items(trait: string): Value[];
}

function traitSource(ctx: RuleContext): KubeSource {
  return {
    label: (t) => `KubeSpawner.${t}`,
    values: (t) => userOps(ctx, 'KubeSpawner', t).filter((o) => o.op === '=').map((o) => o.value),
    entries: (t) => dictItems(ctx, userOps(ctx, 'KubeSpawner', t)).map((e) => ({ key: e.key, value: e.value })),
    items: (t) => {
      const out: Value[] = [];
      for (const o of userOps(ctx, 'KubeSpawner', t)) {
        if ((o.op === '=' || o.op === '+=' || o.op === 'extend') && (o.value.kind === 'list' || o.value.kind === 'tuple')) out.push(...o.value.items);
        else if (o.op === 'append' || o.op === 'insert') out.push(o.value);
      }
      return out;
    },
  };
}

function overrideSource(where: string, override: Value): KubeSource {
  return {
    label: (t) => `${where}: ${t}`,
    values: (t) => {
      const v = fieldValue(override, t);
      return v ? [v] : [];
    },
    entries: (t) => entriesOf(fieldValue(override, t)).map((e) => ({ key: e.key.value, value: e.value })),
    items: (t) => {
      const v = fieldValue(override, t);
      return v && (v.kind === 'list' || v.kind === 'tuple') ? v.items : [];
    },
  };
}

/** The trait settings and every kubespawner_override of KubeSpawner.profile_list written by the user. */
export function kubeSources(ctx: RuleContext): KubeSource[] {
  const out = [traitSource(ctx)];
  for (const { dict } of dictsOf(userOps(ctx, 'KubeSpawner', 'profile_list'))) {
    const name = strOf(fieldValue(dict, 'display_name')) ?? strOf(fieldValue(dict, 'slug')) ?? '?';
    const o = fieldValue(dict, 'kubespawner_override');
    if (o?.kind === 'dict') out.push(overrideSource(`profile "${name}"`, o));
    for (const opt of entriesOf(fieldValue(dict, 'profile_options'))) {
      for (const ch of entriesOf(fieldValue(opt.value, 'choices'))) {
        const co = fieldValue(ch.value, 'kubespawner_override');
        if (co?.kind === 'dict') out.push(overrideSource(`profile "${name}", option ${opt.key.value}, choice ${ch.key.value}`, co));
      }
    }
  }
  return out;
}

/** Whether user containers are KubeSpawner's (z2jh values, or the selected spawner class). */
export function usesKube(ctx: RuleContext): boolean {
  if (ctx.model.kind === 'z2jh_values') return true;
  const cls = spawnerClass(ctx);
  return !!cls && (ctx.traits.isSubclass(cls, 'KubeSpawner') || /KubeSpawner$/.test(cls));
}

export function usesDocker(ctx: RuleContext): boolean {
  if (ctx.model.kind === 'z2jh_values') return false;
  const cls = spawnerClass(ctx);
  return !!cls && (ctx.traits.isSubclass(cls, 'DockerSpawner') || /(Docker|Swarm|SystemUser)Spawner$/.test(cls));
}

/** The first word of the command user servers start with (Spawner.cmd, any op origin), if literal. */
export function startCommand(ctx: RuleContext, base: string): string | undefined {
  const op = lastAssignment(ctx, base, 'cmd') ?? lastAssignment(ctx, 'Spawner', 'cmd');
  if (!op) return undefined;
  const v = op.value;
  return (v.kind === 'list' || v.kind === 'tuple' ? strOf(v.items[0]) : strOf(v))?.trim();
}

/** `0`, `"0"`: the root uid. */
export function isRootId(v: Value | undefined): boolean {
  return (v?.kind === 'int' && v.value === 0) || (v?.kind === 'str' && v.value.trim() === '0');
}
