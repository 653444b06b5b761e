import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type { EngineOptions } from '../engine';
import type { Severity, TrustLevel } from '../rules/types';
import { resolvePluginVersion } from '../catalog/traits';
import { parseDeploymentDecls, type DeploymentDecl } from '../deploy/sources';

export const PROJECT_FILE = '.hubcfg.yaml';

/** What a `.hubcfg.yaml` may set. */
export interface ProjectConfig {
  jupyterhubVersion?: string;
  trust?: TrustLevel;
  rules?: Record<string, Severity | 'off'>;
  maxFileSize?: number;
  /** plugin versions to judge against, e.g. {oauthenticator: "16.2"} (`versions:` in the file) */
  versions?: Record<string, string>;
  /** deployments: ordered values files merged as Helm merges them (paths relative to the project file) */
  deployments?: DeploymentDecl[];
}

export interface LoadedProjectConfig {
  path: string;
  config: ProjectConfig;
  /** problems found while reading it (shown by the CLI and the server's log) */
  problems: string[];
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);
const cache = new Map<string, { mtimeMs: number; loaded: LoadedProjectConfig }>();

/** Reads and validates a project file (`text`: its unsaved text in an editor, instead of the disk). */
export function loadProjectConfig(file: string, text?: string): LoadedProjectConfig {
  const st = text === undefined ? fs.statSync(file) : undefined;
  const hit = cache.get(file);
  if (st && hit && hit.mtimeMs === st.mtimeMs) return hit.loaded;
  const problems: string[] = [];
  const config: ProjectConfig = {};
  let raw: unknown;
  try {
    raw = parse(text ?? fs.readFileSync(file, 'utf8'));
  } catch (e) {
    problems.push(`cannot parse: ${(e as Error).message.split('\n')[0]}`);
  }
  if (raw !== null && raw !== undefined && typeof raw !== 'object') problems.push('expected a mapping of settings');
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(r)) {
    switch (k) {
      case 'jupyterhubVersion':
      case 'jupyterhub-version':
        if (typeof v === 'string' || typeof v === 'number') config.jupyterhubVersion = String(v);
        else problems.push(`${k} must be a version such as "5.5"`);
        break;
      case 'trust':
        if (v === 'trusted-users' || v === 'untrusted-users') config.trust = v;
        else problems.push('trust must be trusted-users or untrusted-users');
        break;
      case 'rules':
        if (v && typeof v === 'object') {
          config.rules = {};
          for (const [id, sev] of Object.entries(v as Record<string, unknown>)) {
            const s = sev === false ? 'off' : sev;
            if (typeof s === 'string' && SEVERITIES.has(s)) config.rules[id] = s as Severity | 'off';
            else problems.push(`rules.${id} must be error, warning, information, hint or off`);
          }
        } else problems.push('rules must be a mapping of rule id to severity or off');
        break;
      case 'maxFileSize':
        if (typeof v === 'number' && v > 0) config.maxFileSize = v;
        else problems.push('maxFileSize must be a positive number');
        break;
      case 'versions':
        if (v && typeof v === 'object' && !Array.isArray(v)) {
          config.versions = {};
          for (const [name, ver] of Object.entries(v as Record<string, unknown>)) {
            if (typeof ver !== 'string' && typeof ver !== 'number') {
              problems.push(`versions.${name} must be a version such as "16.2"`);
              continue;
            }
            try {
              resolvePluginVersion(name, String(ver));
              config.versions[name] = String(ver);
            } catch (e) {
              problems.push(`versions.${name}: ${(e as Error).message}`);
            }
          }
        } else problems.push('versions must be a mapping of plugin to version, e.g. {oauthenticator: "16.2"}');
        break;
      case 'deployments':
        config.deployments = parseDeploymentDecls(v, problems);
        break;
      default:
        problems.push(`unknown setting "${k}"`);
    }
  }
  const loaded = { path: file, config, problems };
  if (st) cache.set(file, { mtimeMs: st.mtimeMs, loaded });
  return loaded;
}

/** The nearest `.hubcfg.yaml` beside the file or in a parent folder, up to (and including) `stopAt`. */
export function findProjectConfig(filePath: string, stopAt?: string): LoadedProjectConfig | undefined {
  let dir = path.dirname(path.resolve(filePath));
  const stop = stopAt ? path.resolve(stopAt) : undefined;
  for (;;) {
    const candidate = path.join(dir, PROJECT_FILE);
    // no exception for a missing file: this runs on every analysis, for every directory up to the root
    if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return loadProjectConfig(candidate);
    if (dir === stop) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Project settings over base settings; rule maps are merged, the project's entries win. */
export function withProjectConfig(base: EngineOptions, project: ProjectConfig | undefined): EngineOptions {
  if (!project) return base;
  return {
    ...base,
    jupyterhubVersion: project.jupyterhubVersion ?? base.jupyterhubVersion,
    trust: project.trust ?? base.trust,
    maxFileSize: project.maxFileSize ?? base.maxFileSize,
    rules: { ...(base.rules ?? {}), ...(project.rules ?? {}) },
    ...(project.versions || base.pluginVersions ? { pluginVersions: { ...(base.pluginVersions ?? {}), ...(project.versions ?? {}) } } : {}),
  };
}
