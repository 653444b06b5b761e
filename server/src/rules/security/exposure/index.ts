import type { Rule } from '../../types';
import literalProxyToken from './literalProxyToken';
import literalApiToken from './literalApiToken';
import literalOauthSecret from './literalOauthSecret';
import literalCryptKey from './literalCryptKey';
import dbPasswordInUrl from './dbPasswordInUrl';
import literalLdapPassword from './literalLdapPassword';
import noTls from './noTls';
import internalSslOff from './internalSslOff';
import hubIpAllInterfaces from './hubIpAllInterfaces';
import spawnerIpAllInterfaces from './spawnerIpAllInterfaces';
import prometheusUnauthenticated from './prometheusUnauthenticated';
import noSubdomainIsolation from './noSubdomainIsolation';
import userConfigEnabled from './userConfigEnabled';
import tokenInUrl from './tokenInUrl';
import websocketCookieAuth from './websocketCookieAuth';
import cspFrameAncestors from './cspFrameAncestors';
import cookieHostPrefixWithoutSubdomains from './cookieHostPrefixWithoutSubdomains';
import loginShell from './loginShell';
import hubSecretInUserEnv from './hubSecretInUserEnv';
import hubSecretInHookEnv from './hubSecretInHookEnv';
import literalSecretInSpawnerEnv from './literalSecretInSpawnerEnv';
import unrestrictedImages from './unrestrictedImages';
import kernelTcpTransport from './kernelTcpTransport';
import rootUserContainer from './rootUserContainer';
import privilegedUserContainer from './privilegedUserContainer';
import grantSudo from './grantSudo';

/** Secrets in the file, transport, and isolation between users. */
export const EXPOSURE_RULES: Rule[] = [
  // secrets in the file
  literalProxyToken, literalApiToken, literalOauthSecret, literalCryptKey, dbPasswordInUrl, literalLdapPassword,
  // transport
  noTls, internalSslOff, hubIpAllInterfaces, spawnerIpAllInterfaces, prometheusUnauthenticated,
  // isolation between users
  noSubdomainIsolation, userConfigEnabled, tokenInUrl, websocketCookieAuth, cspFrameAncestors,
  cookieHostPrefixWithoutSubdomains, loginShell, hubSecretInUserEnv, hubSecretInHookEnv, literalSecretInSpawnerEnv, unrestrictedImages, kernelTcpTransport,
  // user containers (KubeSpawner, DockerSpawner)
  rootUserContainer, privilegedUserContainer, grantSudo,
];
