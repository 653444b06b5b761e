import type { Value } from '../../../model/types';
import { defineRule, type Fix } from '../../types';
import { isDict, liveOps, pyString, since } from './common';

/** Problems of a Content-Security-Policy value, and the policy with them repaired. */
export function cspProblems(policy: string, hubDefault = "'none'"): { problems: string[]; fixed: string } {
  const problems: string[] = [];
  let sawFrameAncestors = false;
  const parts = policy.split(';').map((d) => {
    const tokens = d.trim().split(/\s+/).filter(Boolean);
    if (!tokens.length) return d.trim();
    let name = tokens[0].toLowerCase();
    if (name === 'frame-ancestors:') {
      problems.push('"frame-ancestors:" is not a valid directive (CSP has no colon), so browsers ignore it and any site may frame the hub');
      name = 'frame-ancestors';
      tokens[0] = name;
    }
    if (name === 'frame-ancestors') {
      sawFrameAncestors = true;
      const bad = tokens.slice(1).filter((t) => t.toLowerCase() === "'self'" || t === '*' || t === "'*'");
      if (bad.length) {
        problems.push(`frame-ancestors ${bad.join(' ')} lets ${bad.some((b) => b.includes('*')) ? 'any site, including every user server,' : 'every user server on this origin'} embed hub pages`);
        const keep = tokens.slice(1).filter((t) => !bad.includes(t));
        return `frame-ancestors ${keep.length ? keep.join(' ') : "'none'"}`;
      }
      return tokens.join(' ');
    }
    if (name === 'sandbox' && tokens.some((t) => t.toLowerCase() === 'allow-popups')) {
      problems.push('sandbox allow-popups lets pages open same-origin popups and read them');
      return tokens.filter((t) => t.toLowerCase() !== 'allow-popups').join(' ');
    }
    return tokens.join(' ');
  });
  let fixed = parts.filter((p) => p !== '').join('; ');
  if (!sawFrameAncestors) {
    problems.push(`it has no frame-ancestors directive, so it replaces the hub's default frame-ancestors ${hubDefault} and any site may frame hub pages`);
    fixed = fixed ? `${fixed}; frame-ancestors 'none'` : "frame-ancestors 'none'";
  }
  return { problems, fixed };
}

function headersOf(v: Value): Value | undefined {
  if (!isDict(v)) return undefined;
  return v.entries.find((e) => e.key.kind === 'str' && e.key.value === 'headers')?.value;
}

export default defineRule({
  id: 'security/csp-frame-ancestors',
  title: 'Content-Security-Policy that allows same-origin framing or popups',
  severity: 'warning',
  fix: 'unsafe',
  rationale:
    'On a single origin, a page that one user\'s server serves counts as the same site as the hub and every other server. If hub pages may be framed by that origin (`frame-ancestors \'self\'` or `*`) or opened as readable popups (`sandbox allow-popups`), such a page can load them with the visitor\'s login and read or drive them. Since 4.1 the hub sends `frame-ancestors \'none\'`, and a header set in `tornado_settings` replaces that default completely.',
  howToFix:
    'Keep `frame-ancestors \'none\'` in any Content-Security-Policy you set in `c.JupyterHub.tornado_settings["headers"]` (list a specific external site only if the hub must be embedded there), write directives without a colon, and leave out `allow-popups`. The quick fix rewrites the policy that way; check it still suits any embedding you rely on.',
  docs: [
    { title: 'Web security: mitigating same-origin deployments', url: 'https://jupyterhub.readthedocs.io/en/stable/explanation/websecurity.html#mitigating-same-origin-deployments' },
    { title: 'MDN: CSP frame-ancestors', url: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Content-Security-Policy/frame-ancestors' },
  ],
  example: {
    bad: 'c.JupyterHub.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors \'self\'"}}',
    good: 'c.JupyterHub.tornado_settings = {"headers": {"Content-Security-Policy": "frame-ancestors \'none\'"}}',
  },
  check(ctx) {
    const ops = liveOps(ctx, 'JupyterHub', 'tornado_settings');
    // headers dicts: tornado_settings = {"headers": {...}}, .update({...}), ["headers"] = {...}
    const headerDicts: Value[] = [];
    for (const op of ops) {
      if ((op.op === '=' || op.op === 'update') && isDict(op.value)) {
        const h = headersOf(op.value);
        if (h) headerDicts.push(h);
      } else if ((op.op === 'item=' || op.op === 'setdefault') && op.key?.kind === 'str' && op.key.value === 'headers') headerDicts.push(op.value);
    }
    for (const h of headerDicts) {
      if (!isDict(h)) continue;
      for (const e of h.entries) {
        if (e.key.kind !== 'str' || e.key.value.toLowerCase() !== 'content-security-policy' || e.value.kind !== 'str') continue;
        const { problems, fixed } = cspProblems(e.value.value, since(ctx, '4.1') ? "'none'" : "'self'");
        if (!problems.length) continue;
        const lit = e.value.plain ? pyString(ctx, e.value, fixed) : undefined;
        const fixes: Fix[] = lit ? [{ title: `Use ${fixed}`, applicability: 'unsafe', edits: [{ span: e.value.span, newText: lit }] }] : [];
        ctx.report({
          span: e.value.span,
          message: `This Content-Security-Policy weakens isolation between user servers and the hub: ${problems.join('; ')}`,
          fixes,
        });
      }
    }
  },
});
