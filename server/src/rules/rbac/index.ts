import type { Rule } from '../types';
import invalidRoleName from './invalidRoleName';
import unknownScope from './unknownScope';
import invalidScopeFilter from './invalidScopeFilter';
import undefinedCustomScope from './undefinedCustomScope';
import invalidCustomScope from './invalidCustomScope';
import duplicateRole from './duplicateRole';
import adminRoleOverride from './adminRoleOverride';
import roleWithoutScopes from './roleWithoutScopes';
import unknownRoleKey from './unknownRoleKey';
import stringInsteadOfList from './stringInsteadOfList';
import undefinedService from './undefinedService';
import duplicateMember from './duplicateMember';
import invalidRoleMember from './invalidRoleMember';
import manageRolesConflict from './manageRolesConflict';
import adminScopeOutsideAdminRole from './adminScopeOutsideAdminRole';
import groupScopeEscalation from './groupScopeEscalation';
import unfilteredServerAccess from './unfilteredServerAccess';
import inheritInServerToken from './inheritInServerToken';
import roleWithoutMembers from './roleWithoutMembers';
import emptyScopeFilter from './emptyScopeFilter';
import invalidRoleValue from './invalidRoleValue';
import adminRoleGroups from './adminRoleGroups';
import tokenRoleScopes from './tokenRoleScopes';
import userRoleWithoutSelf from './userRoleWithoutSelf';
import broadServerToken from './broadServerToken';
import cullerScopes from './cullerScopes';
import serviceTokenUnknownService from './serviceTokenUnknownService';
import serviceCannotListUsers from './serviceCannotListUsers';

/** RBAC rules (roles and scopes), registered in ../index.ts. */
export const RBAC_RULES: Rule[] = [
  invalidRoleName,
  unknownScope,
  invalidScopeFilter,
  undefinedCustomScope,
  invalidCustomScope,
  duplicateRole,
  adminRoleOverride,
  roleWithoutScopes,
  unknownRoleKey,
  stringInsteadOfList,
  undefinedService,
  duplicateMember,
  invalidRoleValue,
  adminRoleGroups,
  tokenRoleScopes,
  invalidRoleMember,
  manageRolesConflict,
  adminScopeOutsideAdminRole,
  groupScopeEscalation,
  unfilteredServerAccess,
  inheritInServerToken,
  roleWithoutMembers,
  emptyScopeFilter,
  userRoleWithoutSelf,
  broadServerToken,
  cullerScopes,
  serviceTokenUnknownService,
  serviceCannotListUsers,
];
