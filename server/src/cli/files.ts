import * as fs from 'fs';
import * as path from 'path';

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', '.tox', 'dist', 'out']);

/** Files a directory walk picks up: JupyterHub config files (z2jh values are added by the YAML front end). */
export const DEFAULT_FILE_PATTERNS = [/^jupyterhub_config[^/\\]*\.py$/, /\.ya?ml$/i];

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '{') {
      const close = glob.indexOf('}', i);
      if (close > i) {
        re += '(?:' + glob.slice(i + 1, close).split(',').map((s) => s.replace(/[.+^$()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|') + ')';
        i = close;
      } else re += '\\{';
    } else re += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

function walk(dir: string, out: string[], accept: (name: string, full: string) => boolean, limit: number): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (out.length >= limit) return;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(full, out, accept, limit);
    } else if (e.isFile() && accept(e.name, full)) out.push(full);
  }
}

export interface Expanded {
  files: string[];
  missing: string[];
}

/** Expands CLI arguments: files as given, directories walked for config files, globs matched. */
export function expandArgs(args: string[], accept: (name: string, full: string) => boolean, limit = 10000): Expanded {
  const files: string[] = [];
  const missing: string[] = [];
  for (const a of args) {
    if (/[*?{]/.test(a)) {
      const norm = a.replace(/\\/g, '/');
      const firstGlob = norm.search(/[*?{]/);
      const baseDir = norm.slice(0, norm.lastIndexOf('/', firstGlob) + 1) || '.';
      const re = globToRegExp(norm.startsWith('./') ? norm.slice(2) : norm);
      const found: string[] = [];
      walk(baseDir, found, (_n, full) => {
        const rel = full.replace(/\\/g, '/').replace(/^\.\//, '');
        return re.test(rel);
      }, limit);
      if (!found.length) missing.push(a);
      files.push(...found);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(a);
    } catch {
      missing.push(a);
      continue;
    }
    if (st.isDirectory()) walk(a, files, accept, limit);
    else files.push(a);
  }
  return { files: [...new Set(files)], missing };
}
