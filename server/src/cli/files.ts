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

/** A short reason for a failed stat or open, e.g. "no such file" (ENOENT). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'ELOOP':
      return 'too many levels of symbolic links (a link loop?) (ELOOP)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return code ?? (e as Error)?.message ?? String(e);
  }
}

export interface Problem {
  path: string;
  reason: string;
}

/**
 * Walks a directory for files `accept` takes. Symbolic links are followed (to files and to
 * directories); each directory is entered once, by its real path, so link loops end. A link whose
 * target cannot be reached is reported when its name would have been taken.
 */
function walk(dir: string, out: string[], accept: (name: string, full: string) => boolean, limit: number, seen: Set<string>, broken: Problem[]): void {
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
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = fs.statSync(full);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch (err) {
        if (accept(e.name, full)) broken.push({ path: full, reason: describeFsError(err) });
        continue;
      }
    }
    if (isDir) {
      if (SKIP_DIRS.has(e.name) || e.name.startsWith('.')) continue;
      let real: string;
      try {
        real = fs.realpathSync(full);
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      walk(full, out, accept, limit, seen, broken);
    } else if (isFile && accept(e.name, full)) out.push(full);
  }
}

function walkFrom(dir: string, out: string[], accept: (name: string, full: string) => boolean, limit: number, broken: Problem[]): void {
  const seen = new Set<string>();
  try {
    seen.add(fs.realpathSync(dir));
  } catch {
    // the walk reads nothing then
  }
  walk(dir, out, accept, limit, seen, broken);
}

export interface Expanded {
  files: string[];
  /** arguments (or files a walk found) that cannot be read: missing, link loops, ... */
  missing: Problem[];
  /** the directory arguments, with the files each walk found */
  dirs: { path: string; files: string[] }[];
}

/** Expands CLI arguments: files as given, directories walked for config files, globs matched. */
export function expandArgs(args: string[], accept: (name: string, full: string) => boolean, limit = 10000): Expanded {
  const files: string[] = [];
  const missing: Problem[] = [];
  const dirs: Expanded['dirs'] = [];
  for (const a of args) {
    if (/[*?{]/.test(a)) {
      const norm = a.replace(/\\/g, '/');
      const firstGlob = norm.search(/[*?{]/);
      const baseDir = norm.slice(0, norm.lastIndexOf('/', firstGlob) + 1) || '.';
      const re = globToRegExp(norm.startsWith('./') ? norm.slice(2) : norm);
      const found: string[] = [];
      const broken: Problem[] = [];
      walkFrom(baseDir, found, (_n, full) => {
        const rel = full.replace(/\\/g, '/').replace(/^\.\//, '');
        return re.test(rel);
      }, limit, broken);
      if (!found.length && !broken.length) missing.push({ path: a, reason: 'no file matches this pattern' });
      missing.push(...broken);
      files.push(...found);
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(a);
    } catch (e) {
      missing.push({ path: a, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file, directory or match' : describeFsError(e) });
      continue;
    }
    if (st.isDirectory()) {
      const found: string[] = [];
      walkFrom(a, found, accept, limit, missing);
      dirs.push({ path: a, files: found });
      files.push(...found);
    } else files.push(a);
  }
  // the same file reached twice (named twice, or through a link): checked once
  const real = new Set<string>();
  const unique: string[] = [];
  for (const f of files) {
    let key = f;
    try {
      key = fs.realpathSync(f);
    } catch {
      // unreadable: reported when it is read
    }
    if (real.has(key)) continue;
    real.add(key);
    unique.push(f);
  }
  return { files: unique, missing, dirs };
}
