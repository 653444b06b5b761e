import { defineRule } from '../../types';
import { DOCS, scalarFix, valuesDocs, parentOf } from './common';

export default defineRule({
  id: 'z2jh/hsts-disabled',
  title: 'HSTS turned off on the HTTPS proxy',
  severity: 'information',
  appliesTo: ['z2jh_values'],
  rationale:
    'When the chart terminates HTTPS itself with Let\'s Encrypt, its Traefik proxy sends a Strict-Transport-Security header (six months by default), so that browsers that have visited the hub once refuse to talk to it over plain HTTP again. `maxAge: 0` removes that protection: a first request over HTTP on a hostile network can be intercepted and the login page replaced.',
  howToFix: 'Remove `proxy.traefik.hsts.maxAge` to keep the chart\'s default (15724800 seconds), or set another positive number of seconds.',
  docs: [DOCS.ref('proxy.traefik.hsts'), { title: 'MDN: Strict-Transport-Security', url: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Strict-Transport-Security' }],
  fix: 'suggestion',
  example: { bad: 'proxy:\n  traefik:\n    hsts:\n      maxAge: 0', good: 'proxy:\n  traefik:\n    hsts:\n      maxAge: 15724800' },
  check(ctx) {
    for (const d of valuesDocs(ctx)) {
      for (const s of d.all('proxy.traefik.hsts.maxAge')) {
        if (s.value.kind !== 'int' || s.value.value > 0) continue;
        const fix = scalarFix(ctx, s, '15724800', 'suggestion', 'Use the chart default of six months (15724800 s)', parentOf(d, s));
        ctx.report({ span: s.value.span, message: 'proxy.traefik.hsts.maxAge: 0 turns HSTS off: browsers may be talked into plain HTTP on a first visit. Keep a positive max-age', fixes: fix ? [fix] : [] });
      }
    }
  },
});
