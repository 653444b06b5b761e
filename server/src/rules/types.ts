import type { ConfigModel, FileKind } from '../model/types';
import type { TraitCatalog } from '../catalog/traits';
import type { ChartCatalog } from '../catalog/z2jh';
import type { Span } from '../util/text';
import type { Environment } from '../context/environment';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type Applicability = 'safe' | 'unsafe' | 'suggestion';
export type TrustLevel = 'trusted-users' | 'untrusted-users';

export interface Edit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  applicability: Applicability;
  edits: Edit[];
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  span: Span;
  fixes: Fix[];
}

/** What a rule may read: the model, the catalogues and the settings. Nothing else. */
export interface RuleContext {
  model: ConfigModel;
  traits: TraitCatalog;
  /** z2jh values files: the chart version and its values schema */
  chart?: { version: string; catalog: ChartCatalog };
  /** the JupyterHub version being judged, e.g. "5.5" */
  jupyterhubVersion: string;
  trust: TrustLevel;
  /** the file's path (for name-based context such as test configs); may be empty */
  filePath?: string;
  /** what the deployment supplies beside the file (compose, .env, Dockerfile, systemd unit; z2jh: the chart and hub.extraEnv); absent when nothing is known */
  environment?: Environment;
  report(f: { span: Span; message: string; fixes?: Fix[]; severity?: Severity }): void;
}

export interface RuleMeta {
  /** stable id: `category/kebab-name` */
  id: string;
  title: string;
  severity: Severity;
  /** which file kinds the rule reads (the model is the same; some rules only make sense for one) */
  appliesTo?: FileKind[];
  /** our own words: why this matters (Markdown, a paragraph) */
  rationale: string;
  /** how to fix it (Markdown) */
  howToFix: string;
  /** upstream documentation */
  docs: { title: string; url: string }[];
  /** does it offer a fix, and of which kind */
  fix?: Applicability;
  /**
   * `file`: the finding is about a file's own text, whatever other files of a deployment set (a literal
   * secret committed in a values file leaks even when a later file overrides it; a misspelt key is
   * misspelt in that file). Such rules judge each file of a deployment alone; all others judge the
   * deployment's merged values.
   */
  scope?: 'file';
  /** a bad and a good example for the docs (Python) */
  example?: { bad: string; good: string };
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
