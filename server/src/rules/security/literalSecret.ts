import { defineRule, type Rule, type RuleMeta } from '../types';
import { envFix, isLiteralSecret, isTestContext, mask, opsFor, suppliedNote } from './util';

export interface SecretTarget {
  cls: string;
  trait: string;
  /** environment variable the fix reads the value from */
  env: string;
}

/**
 * A rule for secrets written literally into a config: `Class.trait = "…"`. The message masks the
 * value; the fix reads it from an environment variable instead (unsafe: the variable must be set).
 */
export function literalSecretRule(meta: Omit<RuleMeta, 'fix' | 'severity'> & { targets: SecretTarget[]; what: string }): Rule {
  return defineRule({
    ...meta,
    severity: 'error',
    fix: 'unsafe',
    check(ctx) {
      for (const t of meta.targets) {
        for (const op of opsFor(ctx, t.cls, t.trait)) {
          if (op.op !== '=' || !isLiteralSecret(op.value) || isTestContext(ctx, op)) continue;
          ctx.report({
            span: op.value.span,
            message: `${meta.what} is written in the config file (${mask(op.value.value)}): anyone who can read the file or its history has it. Read it from the environment${suppliedNote(ctx, op)}`,
            fixes: [envFix(ctx, op.value.span, t.env)],
          });
        }
      }
    },
  });
}
