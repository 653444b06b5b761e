import type { Rule } from '../../types';

/** Chart security rules (z2jh values). */
export const CHART_SECURITY_RULES: Rule[] = [];
