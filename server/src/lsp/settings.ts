import type { Severity, TrustLevel } from '../rules/types';
import type { EngineOptions } from '../engine';
import { DEFAULT_MAX_FILE_SIZE } from '../engine';

/**
 * The server's settings, read from the client's `hubcfg` configuration section.
 * Every key here is contributed in package.json (a test compares the two).
 */
export interface Settings {
  enable: boolean;
  jupyterhubVersion: string;
  trust: TrustLevel;
  rules: Record<string, Severity | 'off'>;
  maxFileSize: number;
}

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  jupyterhubVersion: 'latest',
  trust: 'untrusted-users',
  rules: {},
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
};

/** The setting keys the server reads (without the `hubcfg.` prefix), for the manifest test. */
export const SETTING_KEYS = ['enable', 'jupyterhubVersion', 'trust', 'rules', 'maxFileSize'] as const;

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** Validates what the client sent; unknown or ill-typed values fall back to defaults. */
export function normaliseSettings(raw: unknown): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS, rules: {} };
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  if (typeof r.enable === 'boolean') s.enable = r.enable;
  if (typeof r.jupyterhubVersion === 'string' && r.jupyterhubVersion.trim()) s.jupyterhubVersion = r.jupyterhubVersion.trim();
  if (r.trust === 'trusted-users' || r.trust === 'untrusted-users') s.trust = r.trust;
  if (r.rules && typeof r.rules === 'object') {
    for (const [k, v] of Object.entries(r.rules as Record<string, unknown>)) {
      if (typeof v === 'string' && SEVERITIES.has(v)) s.rules[k] = v as Severity | 'off';
    }
  }
  if (typeof r.maxFileSize === 'number' && r.maxFileSize > 0) s.maxFileSize = r.maxFileSize;
  return s;
}

export function engineOptions(s: Settings): EngineOptions {
  return { jupyterhubVersion: s.jupyterhubVersion, trust: s.trust, rules: s.rules, maxFileSize: s.maxFileSize };
}
