import type { Rule } from './types';
import parseError from './syntax/parseError';
import notAnalysed from './syntax/notAnalysed';
import unknownTrait from './traitlets/unknownTrait';
import unknownClass from './traitlets/unknownClass';
import unloadableClass from './traitlets/unloadableClass';
import deprecatedTrait from './traitlets/deprecatedTrait';
import ineffectiveTrait from './traitlets/ineffectiveTrait';
import typeMismatch from './traitlets/typeMismatch';
import unenforcedResourceLimit from './traitlets/unenforcedResourceLimit';
import singleUserSettingInHub from './traitlets/singleUserSettingInHub';
import dockerHubLoopback from './traitlets/dockerHubLoopback';
import unusedSuppression from './suppression/unused';
import { SECURITY_RULES } from './security';
import { RBAC_RULES } from './rbac';
import { Z2JH_RULES } from './z2jh';
import { KUBESPAWNER_RULES } from './kubespawner';

/** The one registry of rules. Add a rule: write its module, add it here, add its fixture. */
export const RULES: Rule[] = [parseError, notAnalysed, unknownTrait, unknownClass, unloadableClass, deprecatedTrait, ineffectiveTrait, typeMismatch, unenforcedResourceLimit, singleUserSettingInHub, dockerHubLoopback, ...SECURITY_RULES, ...RBAC_RULES, ...Z2JH_RULES, ...KUBESPAWNER_RULES, unusedSuppression];

// chart rules read chart settings only: never run them on Python files
for (const r of Z2JH_RULES) if (!r.appliesTo) r.appliesTo = ['z2jh_values'];

export const RULES_BY_ID = new Map(RULES.map((r) => [r.id, r]));

/** Where a rule's generated documentation lives (diagnostic codeDescription.href). */
export const RULE_DOCS_BASE = 'https://github.com/hubcfg/hubcfg/blob/main/docs/rules/';

export function ruleDocUrl(id: string): string {
  return `${RULE_DOCS_BASE}${id.replace('/', '-')}.md`;
}
