import type { Rule } from '../types';
import dummyAuthenticator from './dummyAuthenticator';
import literalCookieSecret from './literalCookieSecret';
import adminAccess from './adminAccess';
import { ACCESS_RULES } from './access';
import { EXPOSURE_RULES } from './exposure';

/** Security rules, registered in ../index.ts. */
export const SECURITY_RULES: Rule[] = [dummyAuthenticator, literalCookieSecret, adminAccess, ...ACCESS_RULES, ...EXPOSURE_RULES];
