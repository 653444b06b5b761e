import type { Rule } from '../../types';
import sharedPassword from './sharedPassword';
import allowAll from './allowAll';
import noAllowRule from './noAllowRule';
import lockedOut from './lockedOut';
import blockedAdmin from './blockedAdmin';
import manageGroupsRequired from './manageGroupsRequired';
import allowExistingUsers from './allowExistingUsers';
import createSystemUsers from './createSystemUsers';
import pamCheckAccountOff from './pamCheckAccountOff';
import authStateWithoutKey from './authStateWithoutKey';
import largeAdminList from './largeAdminList';
import adminRoleToGroups from './adminRoleToGroups';
import tokenExpiryUnlimited from './tokenExpiryUnlimited';
import shortConfigToken from './shortConfigToken';
import trustUserTokens from './trustUserTokens';
import vulnerablePackage from './vulnerablePackage';
import vulnerableJupyterhub from './vulnerableJupyterhub';
import firstUseAdmin from './firstUseAdmin';

/** Authentication, admin power, tokens and known-vulnerable versions. */
export const ACCESS_RULES: Rule[] = [
  sharedPassword,
  allowAll,
  noAllowRule,
  lockedOut,
  blockedAdmin,
  manageGroupsRequired,
  allowExistingUsers,
  createSystemUsers,
  pamCheckAccountOff,
  authStateWithoutKey,
  largeAdminList,
  adminRoleToGroups,
  tokenExpiryUnlimited,
  shortConfigToken,
  trustUserTokens,
  vulnerablePackage,
  vulnerableJupyterhub,
  firstUseAdmin,
];
