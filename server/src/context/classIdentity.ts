import type { ConfigModel } from '../model/types';
import type { TraitCatalog } from '../catalog/traits';

/**
 * Which package a `*_class` string names. JupyterHub reads such a trait as an entry-point name
 * (`github`, `kubernetes`) or as a dotted import path (`dockerspawner.SwarmSpawner`); traitlets then
 * applies the config sections named after the class (`c.SwarmSpawner`). A dotted path into a package
 * the catalogue does not describe (`jhub.SwarmSpawner`) selects another class that happens to share a
 * catalogued name: its real traits are unknown, so the catalogued namesake must not judge it.
 */
export type ClassRef =
  /** a catalogued class, reached by its own package's import path or by name */
  | { status: 'catalogued'; name: string }
  /** a class of another package whose name a catalogued class also has */
  | { status: 'foreign'; name: string; module: string }
  /** not in the catalogue at all (a plugin, or the config's own class) */
  | { status: 'unknown'; name: string };

/** The top-level import name of a dotted module path. */
function topModule(mod: string): string {
  return mod.split('.')[0];
}

/** Resolves a dotted class path to the catalogued class it names, or says that it names another package's class. */
export function resolveClassPath(raw: string, traits: TraitCatalog): ClassRef {
  const parts = raw.trim().split('.');
  const name = parts[parts.length - 1];
  const cls = traits.getClass(name);
  if (!cls) return { status: 'unknown', name };
  if (parts.length < 2) return { status: 'catalogued', name };
  const mod = parts.slice(0, -1).join('.');
  return topModule(mod) === topModule(cls.entry.module) ? { status: 'catalogued', name } : { status: 'foreign', name, module: mod };
}

/**
 * Class names that the config selects from packages the catalogue does not describe, though a
 * catalogued class has the same name (read from every `JupyterHub.*_class` string and from the
 * values of `*_class` traits of other sections). Those names are hidden from the catalogue the rules
 * see, so settings on them are not judged by the namesake.
 */
export function foreignClassNames(model: ConfigModel, traits: TraitCatalog): Set<string> {
  const out = new Set<string>();
  for (const op of model.ops) {
    if (!op.trait.endsWith('_class') || op.value.kind !== 'str' || !op.value.value.includes('.')) continue;
    const ref = resolveClassPath(op.value.value, traits);
    if (ref.status === 'foreign') out.add(ref.name);
  }
  return out;
}
