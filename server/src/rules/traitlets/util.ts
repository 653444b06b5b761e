import type { TraitOp, Value } from '../../model/types';
import type { Edit, RuleContext } from '../types';
import { authenticatorName, lastAssignment } from '../security/util';
import { spawnerName } from '../security/exposure/common';

/**
 * Edits that rename `Class.trait` of an op to `newClass.newTrait` (either may stay the same). In a
 * values file the class is the key of a `hub.config` section that its other traits share: renaming
 * it moves them all, so a single trait gets no edit there unless it is alone in its section (and the
 * new section does not exist yet). `section`: the rename is meant for the whole section (a misspelt
 * class). Chart keys (origin "chart") are no trait names to rename: no edit.
 */
export function renameEdits(op: TraitOp, newClass: string, newTrait: string, ctx?: RuleContext, section = false): Edit[] {
  const edits: Edit[] = [];
  if (op.origin === 'chart') return edits;
  if (op.origin === 'hub.config' && newClass !== op.cls && ctx) {
    const shared = !section && ctx.model.ops.some((o) => o !== op && o.origin === 'hub.config' && o.clsSpan.start === op.clsSpan.start);
    // a second section of that name: a duplicate key, whose traits one of the two would lose
    const exists = ctx.model.ops.some((o) => o.origin === 'hub.config' && o.cls === newClass);
    if (shared || exists) return edits;
  }
  if (newClass !== op.cls) edits.push({ span: op.clsSpan, newText: newClass });
  if (newTrait !== op.trait) edits.push({ span: op.traitSpan, newText: newTrait });
  return edits;
}

export function label(op: TraitOp): string {
  return `${op.cls}.${op.trait}`;
}

/** Where the config docs of a JupyterHub version live. */
export function hubDocsUrl(version: string, page: string): string {
  void version;
  return `https://jupyterhub.readthedocs.io/en/stable/${page}`;
}

/** The hub components whose class a config selects, by base class: the trait that selects it and its default. */
const COMPONENTS = [
  { base: 'Authenticator', trait: 'authenticator_class', default: 'PAMAuthenticator', chartDefault: 'DummyAuthenticator' },
  { base: 'Spawner', trait: 'spawner_class', default: 'LocalProcessSpawner', chartDefault: 'KubeSpawner' },
  { base: 'Proxy', trait: 'proxy_class', default: 'ConfigurableHTTPProxy', chartDefault: 'ConfigurableHTTPProxy' },
] as const;

/**
 * The configured class that makes a setting on a base class section take effect although the base
 * class lacks the trait. traitlets loads the config sections of every class in an instance's MRO and
 * keeps the names the instance has, so `c.Authenticator.logout_redirect_url` reaches a configured
 * GenericOAuthenticator, which has that trait. Returns the class name, `'unknown'` when the selected
 * class is not a literal or not in the catalogue (nothing can be said), or undefined when the setting
 * does not take effect.
 */
export function effectiveSubclass(ctx: RuleContext, op: TraitOp): string | undefined {
  const comp = COMPONENTS.find((c) => ctx.traits.isSubclass(op.cls, c.base));
  if (!comp) return undefined;
  const candidates: string[] = [];
  const sel = lastAssignment(ctx, 'JupyterHub', comp.trait);
  if (sel) {
    const name = comp.base === 'Authenticator' ? authenticatorName(sel.value) : comp.base === 'Spawner' ? spawnerName(sel.value) : classNameOf(sel.value);
    // a plugin or own class the catalogue does not know may have the trait: nothing can be said
    if (!name || !ctx.traits.getClass(name)) return 'unknown';
    candidates.push(name);
  } else if (ctx.model.kind === 'z2jh_values') {
    candidates.push(comp.chartDefault);
    // values are often split over several files: the one selecting the class may be another file,
    // and the classes this file configures are the best evidence of which one it is
    for (const o of ctx.model.ops) {
      if (o.cls === op.cls || candidates.includes(o.cls)) continue;
      if (ctx.traits.getClass(o.cls)) {
        if (ctx.traits.isSubclass(o.cls, op.cls)) candidates.push(o.cls);
      } else if (o.cls.endsWith(comp.base)) return 'unknown'; // a section of an unknown (plugin) authenticator / spawner
    }
  } else candidates.push(comp.default);
  return candidates.find((c) => c !== op.cls && ctx.traits.getClass(c) && ctx.traits.isSubclass(c, op.cls) && ctx.traits.traitsOf(c).has(op.trait));
}

/**
 * The class the config explicitly selects for the component whose base `cls` belongs to, when it is
 * a literal known to the catalogue and inherits from `cls` (undefined otherwise).
 */
export function selectedSubclass(ctx: RuleContext, cls: string): string | undefined {
  const comp = COMPONENTS.find((c) => ctx.traits.isSubclass(cls, c.base));
  if (!comp) return undefined;
  const sel = lastAssignment(ctx, 'JupyterHub', comp.trait);
  if (!sel) return undefined;
  const name = comp.base === 'Authenticator' ? authenticatorName(sel.value) : comp.base === 'Spawner' ? spawnerName(sel.value) : classNameOf(sel.value);
  return name && name !== cls && ctx.traits.getClass(name) && ctx.traits.isSubclass(name, cls) ? name : undefined;
}

function classNameOf(v: Value): string | undefined {
  const raw = v.kind === 'str' ? v.value : v.kind === 'name' ? v.name : undefined;
  return raw ? raw.split('.').pop() : undefined;
}
