import type { Rule } from '../types';

/** RBAC rules (roles and scopes), registered in ../index.ts. */
export const RBAC_RULES: Rule[] = [];
