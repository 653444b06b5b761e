import { defineRule } from '../../types';
import { opsFor } from '../../security/util';
import { DOCS, boolOf, docOf, entriesOf, isNone, isSecretsFile, isTestFile, valuesDocs } from './common';

export default defineRule({
  id: 'z2jh/default-dummy-authenticator',
  title: 'The chart\'s default Dummy authenticator is still in effect',
  severity: 'information',
  appliesTo: ['z2jh_values'],
  rationale:
    'The chart\'s own defaults select DummyAuthenticator (`hub.config.JupyterHub.authenticator_class: dummy`), which accepts any username with any password, so that a fresh install can be tried at once. It stays in effect until a values file selects another authenticator. Helm merges the chart defaults with every `-f` file, so a file that selects none is fine when another file of the same deployment does; the rule therefore says so only as information. When the file looks like a complete public deployment (it enables `proxy.https`, an ingress or an HTTPRoute) and still selects no authenticator, it is a warning: that hub lets anyone in.',
  howToFix:
    'Select an authenticator with `hub.config.JupyterHub.authenticator_class` (`github`, `generic-oauth`, `azuread`, `ldapauthenticator`, ...) and an allow rule, in this file or in the file of the deployment that holds authentication. Configuring a class section such as `hub.config.GitHubOAuthenticator` is not enough: the class must also be selected. Test deployments are recognised by their file name (`values-test.yaml`, `ci/values.yaml`) and not reported, nor are secrets files (`secrets.yaml`, sops-encrypted files), which hold credentials rather than the choice of authenticator. Values nested under `binderhub.jupyterhub` are for the BinderHub chart, whose own defaults select the authenticator of its hub.',
  docs: [DOCS.authentication, DOCS.ref('hub.config')],
  example: {
    bad: 'hub:\n  config:\n    GitHubOAuthenticator:\n      allowed_organizations: [my-org]\nproxy:\n  https:\n    enabled: true\n    hosts: [hub.example.org]',
    good: 'hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n    GitHubOAuthenticator:\n      allowed_organizations: [my-org]',
  },
  check(ctx) {
    // test deployments, and secrets files (which never carry the authenticator choice)
    if (isTestFile(ctx) || isSecretsFile(ctx) || /^sops:[ \t]*$/m.test(ctx.model.text)) return;
    // under binderhub.jupyterhub the BinderHub chart's own defaults select its authenticator (none: no login)
    if (ctx.model.valuesRoots?.some((r) => r[0] === 'binderhub')) return;
    const docs = valuesDocs(ctx);
    const selected = opsFor(ctx, 'JupyterHub', 'authenticator_class');
    for (const d of docs) {
      const inDoc = selected.filter((o) => docs.length === 1 || docOf(ctx, o.span) === d.index);
      if (inDoc.length) continue;
      // hub.config (or its JupyterHub section) set to null removes the chart default
      if (isNone(d.value('hub.config')) || isNone(d.value('hub.config.JupyterHub'))) continue;
      // a config file mounted into jupyterhub_config.d may select it
      const extraFiles = d.settings.filter((s) => s.path[0] === 'hub' && s.path[1] === 'extraFiles' && s.value.kind === 'str' && /authenticator_class/.test(s.value.value));
      if (extraFiles.length) continue;
      const at = d.get('hub') ?? d.first;
      if (!at) continue;
      const complete = boolOf(d.value('proxy.https.enabled')) === true || boolOf(d.value('ingress.enabled')) === true || boolOf(d.value('httpRoute.enabled')) === true;
      const sections = entriesOf(d.value('hub.config'))
        .map((e) => e.key.value)
        .filter((k) => /Authenticator$/.test(k) && k !== 'Authenticator' && k !== 'DummyAuthenticator');
      const configured = sections.length ? ` It configures ${sections.join(', ')} but never selects it with hub.config.JupyterHub.authenticator_class.` : '';
      const where = complete ? ' This file sets up public access, so the hub would let anyone in.' : ' Values files are merged: this is fine if another file of the deployment selects one.';
      ctx.report({
        span: at.keySpan,
        severity: complete ? 'warning' : 'information',
        message: `No authenticator is selected here, so the chart's default DummyAuthenticator (any username, any password) stays in effect.${configured}${where}`,
      });
    }
  },
});
