import type { Rule } from '../../types';

/** Secrets in the file, transport, and isolation between users. */
export const EXPOSURE_RULES: Rule[] = [];
