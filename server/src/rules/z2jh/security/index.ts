import type { Rule } from '../../types';
import defaultDummyAuthenticator from './defaultDummyAuthenticator';
import literalDbPassword from './literalDbPassword';
import literalServiceToken from './literalServiceToken';
import literalEnvSecret from './literalEnvSecret';
import literalRegistryPassword from './literalRegistryPassword';
import secretInSingleuserEnv from './secretInSingleuserEnv';
import noTls from './noTls';
import ingressWithoutTls from './ingressWithoutTls';
import inlineTlsKey from './inlineTlsKey';
import letsencryptIncomplete from './letsencryptIncomplete';
import hstsDisabled from './hstsDisabled';
import hubServiceExposed from './hubServiceExposed';
import networkPolicyDisabled from './networkPolicyDisabled';
import cloudMetadataReachable from './cloudMetadataReachable';
import cloudMetadataConflict from './cloudMetadataConflict';
import egressPrivateIps from './egressPrivateIps';
import egressAllowAll from './egressAllowAll';
import singleuserIngressOpen from './singleuserIngressOpen';
import rbacDisabled from './rbacDisabled';
import userServiceAccountToken from './userServiceAccountToken';
import rootUser from './rootUser';
import grantSudo from './grantSudo';
import privilegeEscalation from './privilegeEscalation';
import privilegedContainer from './privilegedContainer';
import hostNamespace from './hostNamespace';
import hostPathVolume from './hostPathVolume';
import sqliteMemory from './sqliteMemory';
import unpinnedImage from './unpinnedImage';
import debugEnabled from './debugEnabled';
import namedServersUnlimited from './namedServersUnlimited';
import powerfulRole from './powerfulRole';
import serviceAdmin from './serviceAdmin';

/** Chart security rules (z2jh values). */
export const CHART_SECURITY_RULES: Rule[] = [
  defaultDummyAuthenticator,
  literalDbPassword,
  literalServiceToken,
  literalEnvSecret,
  literalRegistryPassword,
  secretInSingleuserEnv,
  noTls,
  ingressWithoutTls,
  inlineTlsKey,
  letsencryptIncomplete,
  hstsDisabled,
  hubServiceExposed,
  networkPolicyDisabled,
  cloudMetadataReachable,
  cloudMetadataConflict,
  egressPrivateIps,
  egressAllowAll,
  singleuserIngressOpen,
  rbacDisabled,
  userServiceAccountToken,
  rootUser,
  grantSudo,
  privilegeEscalation,
  privilegedContainer,
  hostNamespace,
  hostPathVolume,
  sqliteMemory,
  unpinnedImage,
  debugEnabled,
  namedServersUnlimited,
  powerfulRole,
  serviceAdmin,
];
