import type { Rule } from '../../types';

/** Authentication, admin power, tokens and known-vulnerable versions. */
export const ACCESS_RULES: Rule[] = [];
