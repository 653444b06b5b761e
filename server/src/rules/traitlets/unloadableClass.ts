import type { Fix, RuleContext } from '../types';
import type { TraitOp, Value } from '../../model/types';
import type { Span } from '../../util/text';
import { defineRule } from '../types';
import { editDistance } from '../../util/text';
import { entryPointSince, entryPointsAt, packagesWithEntryPoint, reexports } from '../../catalog/entryPoints';

/** Where the text of a string value is (quoted in Python or YAML, or a plain YAML scalar). */
function textSpan(ctx: RuleContext, v: Extract<Value, { kind: 'str' }>): Span | undefined {
  const raw = ctx.model.text.slice(v.span.start, v.span.end);
  if (raw === v.value) return v.span;
  const m = /^[rRuU]?("|')/.exec(raw);
  if (!m || !raw.endsWith(m[1]) || raw.length - m[0].length - 1 !== v.value.length) return undefined;
  return { start: v.span.start + m[0].length, end: v.span.end - 1 };
}

/** Catalogued classes that the trait accepts (subclasses of its base, the base included). */
function candidates(ctx: RuleContext, base: string): string[] {
  return ctx.traits.classNames().filter((n) => n === base || ctx.traits.isSubclass(n, base));
}

export default defineRule({
  id: 'traitlets/unloadable-class',
  title: 'Class name or entry point the hub cannot load',
  severity: 'error',
  rationale:
    '`authenticator_class`, `spawner_class` and `proxy_class` take an entry-point name (`github`, `docker`; JupyterHub compares these without regard to case) or a dotted import path (`oauthenticator.gitlab.GitLabOAuthenticator`). A name that no installed package registers, a bare class name, a class in the wrong module or a class name in the wrong case cannot be loaded: the hub stops at start-up with an import or trait error. The rule knows the entry points and module paths of JupyterHub and the catalogued plugins per release (read from their packaging metadata); a name of any other package is never reported, and neither is an unknown entry point that is not close to a known one.',
  howToFix:
    'Use the entry-point name the package registers in the version you run, or the full import path `module.Class`. The quick fix offers the one name that fits; it is safe when it names the same class exactly (a case or module correction), otherwise check it.',
  docs: [
    { title: 'JupyterHub.authenticator_class', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html#jupyterhub.app.JupyterHub.authenticator_class' },
    { title: 'Writing a custom authenticator: registering an entry point', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/authenticators.html#registering-custom-authenticators-via-entry-points' },
  ],
  fix: 'safe',
  example: {
    bad: 'c.JupyterHub.authenticator_class = "oauthenticator.gitlab.GitlabOAuthenticator"',
    good: 'c.JupyterHub.authenticator_class = "oauthenticator.gitlab.GitLabOAuthenticator"',
  },
  check(ctx) {
    for (const op of ctx.model.ops) {
      if (op.cls !== 'JupyterHub' || op.value.kind !== 'str' || op.value.template) continue;
      const trait = ctx.traits.getTrait('JupyterHub', op.trait)?.entry;
      if (!trait?.entryPointGroup || !trait.klass) continue;
      const raw = op.value.value.trim();
      if (!/^[A-Za-z_][\w.-]*$/.test(raw)) continue;
      const verdict = raw.includes('.') ? judgePath(ctx, raw, trait.klass.split('.').pop()!) : judgeEntryPoint(ctx, raw, trait.entryPointGroup, trait.klass.split('.').pop()!);
      if (!verdict) continue;
      report(ctx, op, verdict);
    }
  },
});

interface Verdict {
  message: string;
  replacement?: string;
  safe: boolean;
}

function report(ctx: RuleContext, op: TraitOp, v: Verdict): void {
  const fixes: Fix[] = [];
  const span = op.value.kind === 'str' ? textSpan(ctx, op.value) : undefined;
  if (v.replacement && span) fixes.push({ title: `Change to "${v.replacement}"`, applicability: v.safe ? 'safe' : 'unsafe', edits: [{ span, newText: v.replacement }] });
  ctx.report({ span: op.value.span, message: v.message, fixes });
}

/** An entry-point name (no dot): JupyterHub looks it up case-insensitively, then tries to import it. */
function judgeEntryPoint(ctx: RuleContext, raw: string, group: string, base: string): Verdict | undefined {
  const eps = entryPointsAt(ctx.traits, group);
  const lower = raw.toLowerCase();
  if (eps.some((e) => e.name.toLowerCase() === lower)) return undefined;
  const classes = candidates(ctx, base);
  // a class defined in the config itself, given by its name, is a config problem of another kind
  if (ctx.model.definedClasses.includes(raw)) return undefined;
  // a bare class name: not an entry point, and not an import path either
  const cls = classes.find((n) => n.toLowerCase() === lower);
  if (cls) {
    const ep = eps.filter((e) => e.cls === cls).sort((a, b) => a.name.length - b.name.length)[0];
    const mod = ctx.traits.getClass(cls)!.entry.module;
    const replacement = ep ? ep.name : `${mod}.${cls}`;
    return { message: `"${raw}" is a class name, not an entry point or an import path: the hub cannot load it and does not start. Use "${replacement}"`, replacement, safe: true };
  }
  // an entry point of a catalogued package, but not in the judged release
  for (const pkg of packagesWithEntryPoint(group, lower)) {
    const since = entryPointSince(pkg, group, lower) ?? entryPointSince(pkg, group, raw);
    const version = pkg === 'jupyterhub' ? ctx.traits.jupyterhubRelease : ctx.traits.pluginVersions[pkg];
    if (!since || !version) continue;
    return { message: `${pkg} ${version} registers no entry point "${raw}" (it has one from ${since}): the hub does not start`, safe: false };
  }
  // a near miss of one known entry point
  const max = lower.length >= 6 ? 2 : 1;
  let best: string | undefined;
  let bestD = max + 1;
  let tie = false;
  for (const e of eps) {
    const d = editDistance(lower, e.name.toLowerCase(), max);
    if (d < bestD) {
      best = e.name;
      bestD = d;
      tie = false;
    } else if (d === bestD && best !== e.name) tie = true;
  }
  if (best && bestD <= max && !tie) return { message: `No installed package registers the entry point "${raw}": the hub does not start. Did you mean "${best}"?`, replacement: best, safe: false };
  return undefined;
}

/** A dotted import path into a catalogued package. */
function judgePath(ctx: RuleContext, raw: string, base: string): Verdict | undefined {
  const parts = raw.split('.');
  const name = parts.pop()!;
  const mod = parts.join('.');
  const top = parts[0];
  if (ctx.model.definedClasses.includes(name)) return undefined;
  const inPackage = candidates(ctx, base).filter((n) => ctx.traits.getClass(n)!.entry.module.split('.')[0] === top);
  if (!inPackage.length) return undefined;
  const exact = inPackage.find((n) => n === name);
  if (exact) {
    const home = ctx.traits.getClass(exact)!.entry.module;
    if (mod === home) return undefined;
    const pkg = ctx.traits.getClass(exact)!.package;
    if (mod === top) {
      const ok = reexports(ctx.traits, top, exact, home);
      if (ok !== false) return undefined;
      return { message: `The package ${top} does not export ${exact} at its top level (${pkg} ${ctx.traits.getClass(exact)!.packageVersion}): the hub does not start. Use "${home}.${exact}"`, replacement: `${home}.${exact}`, safe: true };
    }
    // an intermediate package of the class's module may re-export it: not judged
    if (home.startsWith(mod + '.')) return undefined;
    return { message: `${exact} is defined in ${home}, not in ${mod}: the hub cannot import it and does not start`, replacement: `${home}.${exact}`, safe: true };
  }
  // the class name in the wrong case, or one or two letters off
  const lower = name.toLowerCase();
  const byCase = inPackage.filter((n) => n.toLowerCase() === lower);
  const near = byCase.length ? byCase : inPackage.filter((n) => editDistance(lower, n.toLowerCase(), 2) <= 2);
  // the package may hold classes the catalogue does not describe: only a unique near miss is reported
  if (near.length !== 1) return undefined;
  const cls = near[0];
  const home = ctx.traits.getClass(cls)!.entry.module;
  const sameModule = mod === home || (mod === top && reexports(ctx.traits, top, cls, home) === true);
  const replacement = `${sameModule ? mod : home}.${cls}`;
  return {
    message: `${mod} has no class ${name}${byCase.length ? ' (class names are case-sensitive)' : ''}: the hub cannot import it and does not start. Did you mean ${cls}?`,
    replacement,
    safe: byCase.length > 0,
  };
}
