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
  /** z2jh chart version ("4.1", "3", "main"); empty: from a Chart.yaml beside the values file, else the latest */
  chartVersion: string;
  /** more files to check, as globs (relative to the workspace folder, or absolute): `.yaml`/`.yml` as z2jh values, others as jupyterhub_config.py */
  extraGlobs: string[];
  /** interpreter for reading the installed JupyterHub's docs: a path or command; empty: the Python extension's, else python3 on PATH; "off": never */
  pythonInterpreter: string;
  /**
   * When the server may run that interpreter: `auto` only when the client reports a trusted workspace
   * (VS Code does; a client that says nothing gets limited mode), `on` also without trust information
   * from the client (never when the client reports the workspace as untrusted), `off` never.
   */
  introspection: IntrospectionSetting;
  /**
   * Also import the modules and classes the config names in `*_class` settings (their top-level code
   * runs). Off: only JupyterHub and the plugins installed packages register as its entry points.
   */
  introspectConfigClasses: boolean;
}

export type IntrospectionSetting = 'auto' | 'on' | 'off';

export const DEFAULT_SETTINGS: Settings = {
  enable: true,
  jupyterhubVersion: 'latest',
  trust: 'untrusted-users',
  rules: {},
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  chartVersion: '',
  extraGlobs: [],
  pythonInterpreter: '',
  introspection: 'auto',
  introspectConfigClasses: false,
};

/** The setting keys the server reads (without the `hubcfg.` prefix), for the manifest test. */
export const SETTING_KEYS = ['enable', 'jupyterhubVersion', 'trust', 'rules', 'maxFileSize', 'chartVersion', 'extraGlobs', 'pythonInterpreter', 'introspection', 'introspectConfigClasses'] as const;

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);

/** Validates what the client sent; unknown or ill-typed values fall back to defaults. */
export function normaliseSettings(raw: unknown): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS, rules: {}, extraGlobs: [] };
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
  if (typeof r.chartVersion === 'string' && r.chartVersion.trim() && r.chartVersion.trim() !== 'auto') s.chartVersion = r.chartVersion.trim();
  if (Array.isArray(r.extraGlobs)) s.extraGlobs = r.extraGlobs.filter((g): g is string => typeof g === 'string' && g.trim() !== '').map((g) => g.trim());
  if (typeof r.pythonInterpreter === 'string') s.pythonInterpreter = r.pythonInterpreter.trim();
  // anything but the exact values keeps the default (auto: fail closed without trust information)
  if (r.introspection === 'auto' || r.introspection === 'on' || r.introspection === 'off') s.introspection = r.introspection;
  if (r.introspectConfigClasses === true) s.introspectConfigClasses = true;
  return s;
}

export function engineOptions(s: Settings): EngineOptions {
  return { jupyterhubVersion: s.jupyterhubVersion, trust: s.trust, rules: s.rules, maxFileSize: s.maxFileSize, chartVersion: s.chartVersion || undefined };
}

/** A glob (`*`, `**`, `?`, `{a,b}`, `[abc]`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  const g = glob.replace(/\\/g, '/');
  let inBrace = 0;
  for (let i = 0; i < g.length; i++) {
    const ch = g[i];
    if (ch === '*') {
      if (g[i + 1] === '*') {
        const slashAfter = g[i + 2] === '/';
        re += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      inBrace++;
      re += '(?:';
    } else if (ch === '}' && inBrace) {
      inBrace--;
      re += ')';
    } else if (ch === ',' && inBrace) re += '|';
    else if (ch === '[') {
      const end = g.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + g.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += ch.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Whether a file matches one of the extra globs: globs without `/` match the file name, absolute
 * globs the whole path, others the path relative to a workspace folder.
 */
export function matchesExtraGlobs(filePath: string, globs: string[], roots: string[]): boolean {
  if (!globs.length) return false;
  const p = filePath.replace(/\\/g, '/');
  const base = p.slice(p.lastIndexOf('/') + 1);
  for (const glob of globs) {
    const g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
    const re = globToRegExp(g);
    if (!g.includes('/')) {
      if (re.test(base)) return true;
    } else if (g.startsWith('/') || /^[A-Za-z]:\//.test(g)) {
      if (re.test(p)) return true;
    } else {
      for (const r of roots) {
        const root = r.replace(/\\/g, '/').replace(/\/$/, '') + '/';
        if (p.startsWith(root) && re.test(p.slice(root.length))) return true;
      }
    }
  }
  return false;
}
