import type { RuleContext } from '../../types';
import type { TraitOp } from '../../../model/types';
import { guardsHold, listNames, mappingNames, scriptOf, snippetOf, where } from './util';

const CULLER = 'jupyterhub-idle-culler';

/**
 * Plain assignments (`=`) of a list literal to `JupyterHub.<trait>` in hub.extraConfig Python or in
 * hub.config: each replaces the list the chart's script filled before (its own entries and those of
 * `hubKey`), unless the script drops that hub.config entry (then it is reported as dropped).
 */
export function checkReplacedList(ctx: RuleContext, trait: 'load_roles' | 'services', hubKey: string, what: string): void {
  const script = scriptOf(ctx);
  if (!script) return;
  const ops = ctx.model.ops.filter((op: TraitOp) => op.cls === 'JupyterHub' && op.trait === trait && op.op === '=' && (op.origin === 'hub.config' || snippetOf(ctx, op) !== undefined));
  if (!ops.length) return;
  const entries = trait === 'load_roles' ? script.roles : script.services;
  for (const op of ops) {
    if (op.origin === 'hub.config' && script.hubConfigDropped.JupyterHub?.includes(trait)) {
      ctx.report({ span: op.traitSpan, severity: 'warning', message: `hub.config.JupyterHub.${trait} has no effect: chart ${script.chart} removes it before loading hub.config; list ${what} under ${hubKey} instead` });
      continue;
    }
    if (op.value.kind !== 'list' && op.value.kind !== 'tuple') continue;
    const own = new Set(listNames(op.value));
    const sure: string[] = [];
    const maybe: string[] = [];
    for (const e of entries) {
      if (e.from) {
        for (const n of mappingNames(ctx, e.from)) if (!own.has(n)) sure.push(`${n} (${e.from})`);
        continue;
      }
      if (!e.name || own.has(e.name)) continue;
      const on = guardsHold(ctx, e.when);
      if (on === false) continue;
      (on ? sure : maybe).push(`${e.name}${e.when?.length ? ` (${e.when.join(', ')})` : ''}`);
    }
    if (!sure.length && !maybe.length) continue;
    const culler = sure.some((n) => n.startsWith(`${CULLER} `) || n === CULLER);
    const lost = [...sure, ...maybe.map((n) => `${n}, if enabled`)].join('; ');
    const effect = culler
      ? trait === 'load_roles'
        ? 'the idle culler keeps running without its permissions: every request it makes fails with 403 Forbidden and no server is culled'
        : 'the idle culler service is no longer started, and no server is culled'
      : `those ${what} are lost`;
    const instead = op.origin === 'hub.config'
      ? `put your ${what} under ${hubKey}, which the chart adds to its own`
      : `add to the list instead (c.JupyterHub.${trait}.append(...) or +=), or use ${hubKey}`;
    ctx.report({
      span: op.traitSpan,
      severity: culler ? 'error' : 'warning',
      message: `${where(ctx, op)} replaces the ${what} chart ${script.chart} registers: ${lost}. ${effect[0].toUpperCase()}${effect.slice(1)}; ${instead}`,
    });
  }
}
