/**
 * A small .gitignore matcher for the audit command (VS Code's findFiles does not read .gitignore).
 * Supports comments, negation, directory-only patterns (`dir/`), anchored patterns (with a `/`),
 * `*`, `?`, `**` and character classes. Paths are `/`-separated and relative to a workspace folder.
 */
interface Rule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
  anchored: boolean;
}

function patternToRegExp(p: string): string {
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i];
    if (ch === '*') {
      if (p[i + 1] === '*') {
        if (p[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = p.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + p.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else if (ch === '\\' && i + 1 < p.length) {
      re += p[i + 1].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i++;
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return re;
}

export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    line = line.replace(/(?<!\\)\s+$/, '');
    if (!line) continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/')) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    if (!line) continue;
    rules.push({ re: new RegExp(`^${patternToRegExp(line)}$`), negate, dirOnly, anchored });
  }
  return rules;
}

/** The .gitignore files of a folder tree: each applies to paths under its own directory. */
export class GitignoreSet {
  private files: { dir: string; rules: Rule[] }[] = [];

  /** `dir`: the directory of the .gitignore, relative to the folder ('' for the root) */
  add(dir: string, text: string): void {
    this.files.push({ dir: dir.replace(/\/$/, ''), rules: parseGitignore(text) });
    // shallow directories first: deeper files override
    this.files.sort((a, b) => a.dir.split('/').length - b.dir.split('/').length || a.dir.length - b.dir.length);
  }

  private verdict(rel: string, isDir: boolean): boolean | undefined {
    let ignored: boolean | undefined;
    for (const f of this.files) {
      if (f.dir && !(rel === f.dir || rel.startsWith(f.dir + '/'))) continue;
      const sub = f.dir ? rel.slice(f.dir.length + 1) : rel;
      if (!sub) continue;
      const base = sub.slice(sub.lastIndexOf('/') + 1);
      for (const r of f.rules) {
        if (r.dirOnly && !isDir) continue;
        if (r.re.test(r.anchored ? sub : base)) ignored = !r.negate;
      }
    }
    return ignored;
  }

  /** Whether git ignores a file: the file itself, or any directory above it (which git never enters). */
  ignores(rel: string): boolean {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) {
      if (this.verdict(parts.slice(0, i).join('/'), true)) return true;
    }
    return this.verdict(rel, false) ?? false;
  }
}
