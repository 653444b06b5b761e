import type { Rule } from '../types';

/** Security rules, registered in ../index.ts. */
export const SECURITY_RULES: Rule[] = [];
