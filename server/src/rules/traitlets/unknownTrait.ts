import { defineRule, type Fix } from '../types';
import { closest } from '../../util/text';
import { effectiveSubclass, renameEdits, selectedSubclass } from './util';

/** Core classes where a trait set on the wrong class is usually meant. */
const HOME_CLASSES = ['JupyterHub', 'Authenticator', 'LocalAuthenticator', 'PAMAuthenticator', 'Spawner', 'LocalProcessSpawner', 'ConfigurableHTTPProxy', 'Proxy', 'CryptKeeper', 'OAuthenticator', 'KubeSpawner', 'DockerSpawner'];

/** Did-you-mean candidates per catalogue (pure: the same misspelling costs one search per catalogue). */
const nearCache = new WeakMap<object, Map<string, ReturnType<typeof closest>>>();
function nearTraits(catalog: object, cls: string, trait: string, traits: Map<string, unknown>): ReturnType<typeof closest> {
  let m = nearCache.get(catalog);
  if (!m) nearCache.set(catalog, (m = new Map()));
  const key = `${cls}.${trait}`;
  let r = m.get(key);
  if (!r) {
    r = closest(trait, traits.keys());
    if (m.size > 5000) m.clear();
    m.set(key, r);
  }
  return r;
}

export default defineRule({
  id: 'traitlets/unknown-trait',
  title: 'Unknown trait',
  severity: 'warning',
  rationale:
    'traitlets does not reject a setting for a trait a class does not have: it logs a warning at start-up (only if the class is used) and goes on. A misspelt trait therefore silently does nothing: the hub runs with the default you meant to change. A section of a base class is read by every class that inherits from it, so `c.Authenticator.logout_redirect_url` is not reported when the configured authenticator is an OAuthenticator, which has that trait (in a values file that does not select the authenticator, the classes it configures count as the selection). When the selected class is one hubcfg does not know (a plugin or your own class), a setting on its base class is not reported either: that class may have the trait. The other way round, a configured class that replaces a base-class trait with a fixed value (NullAuthenticator and `auto_login`) no longer reads it, and the setting is reported.',
  howToFix: 'Use the trait name the class really has (the quick fix offers the closest names), or move the setting to the class that owns the trait.',
  docs: [{ title: 'JupyterHub configuration reference', url: 'https://jupyterhub.readthedocs.io/en/stable/reference/api/app.html' }],
  fix: 'unsafe',
  example: { bad: 'c.JupyterHub.admin_acess = False', good: 'c.JupyterHub.admin_access = False' },
  check(ctx) {
    for (const op of ctx.model.ops) {
      const cls = ctx.traits.getClass(op.cls);
      if (!cls) continue;
      const traits = ctx.traits.traitsOf(op.cls);
      if (traits.has(op.trait)) {
        // the configured subclass replaced the trait with a fixed value (NullAuthenticator's auto_login)
        const sel = selectedSubclass(ctx, op.cls);
        if (sel && !ctx.traits.traitsOf(sel).has(op.trait)) {
          ctx.report({ span: op.traitSpan, message: `${sel}, the configured class, has no trait "${op.trait}" (it fixes that value itself): this setting on ${op.cls} is ignored`, fixes: [] });
        }
        continue;
      }
      if (ctx.traits.removedTrait(op.cls, op.trait)) continue;
      // set on a base class (c.Authenticator.x) for a configured subclass that has the trait: it takes effect
      if (effectiveSubclass(ctx, op)) continue;
      const fixes: Fix[] = [];
      const near = nearTraits(ctx.traits, op.cls, op.trait, traits);
      const close = near.map((n) => n.name);
      near.forEach((n, i) => {
        // the best candidate is a likely intent when nothing else is as close
        const clear = i === 0 && (near.length === 1 || near[1].distance > n.distance);
        fixes.push({ title: `Change to ${op.cls}.${n.name}`, applicability: clear ? 'unsafe' : 'suggestion', edits: renameEdits(op, op.cls, n.name, ctx) });
      });
      // the trait exists on another (core) class: c.JupyterHub.server_token_scopes → c.Spawner.server_token_scopes
      const owners = HOME_CLASSES.filter((c) => c !== op.cls && ctx.traits.getClass(c) && ctx.traits.getTrait(c, op.trait)?.definedIn === c);
      for (const owner of owners.slice(0, 2)) {
        fixes.push({ title: `Move to ${owner}.${op.trait}`, applicability: 'unsafe', edits: renameEdits(op, owner, op.trait, ctx) });
      }
      const where = cls.package === 'jupyterhub' ? `JupyterHub ${ctx.jupyterhubVersion}` : `${cls.package} ${cls.packageVersion}`;
      let message = `${op.cls} has no trait "${op.trait}" in ${where}: this setting is ignored`;
      if (close.length) message += `. Did you mean ${close.map((n) => `"${n}"`).join(' or ')}?`;
      else if (owners.length) message += `. "${op.trait}" belongs to ${owners.join(' / ')}`;
      ctx.report({ span: op.traitSpan, message, fixes });
    }
  },
});
