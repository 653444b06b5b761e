import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURE_DIR = path.join(ROOT, 'test', 'fixtures', 'rules');

export interface Expectation {
  rule: string;
  /** 0-based line and UTF-16 columns, end exclusive */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** expected text of the finding's first line after applying its first fix */
  fixed?: string;
  /** the line of the marker, for messages */
  markerLine: number;
}

export interface Fixture {
  file: string;
  text: string;
  /** the rule this fixture is about (from the file name: category-name[.variant].py) */
  rule: string;
  options: Record<string, string>;
  expectations: Expectation[];
  /** 0-based line where the "must not fire" part starts, or -1 */
  mustNotFireFrom: number;
}

/**
 * Fixture syntax (Python comments, so the file stays a valid config):
 *   c.JupyterHub.admin_acess = False
 *   #            ^^^^^^^^^^^ traitlets/unknown-trait
 *   # fixed: c.JupyterHub.admin_access = False      (optional: the line after the first fix)
 *   # expect: RULE 3:0-4:2                            (explicit 1-based line:col ranges, columns 0-based)
 *   # fixture: jupyterhub-version=3.0 trust=trusted-users kind=...
 *   # fixture: plugin-versions=oauthenticator:17.3,kubespawner:6.2  (judge plugins at these versions)
 *   # --- must not fire ---                           (what follows must produce no finding of the rule)
 * A caret line marks columns on the nearest line above it that is not itself a marker line.
 */
export function parseFixture(file: string, rule: string): Fixture {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/);
  const fx: Fixture = { file, text, rule, options: {}, expectations: [], mustNotFireFrom: -1 };
  let lastCode = -1;
  const markerRe = /^(\s*)#(\s*)(\^+)\s+([a-z0-9-]+\/[a-z0-9-]+)\s*$/;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const caret = /^\s*#[ \t]*\^/.test(line) ? line.match(/^(.*?)(\^+)\s+([a-z0-9-]+\/[a-z0-9-]+)\s*$/) : null;
    if (caret && lastCode >= 0) {
      const start = caret[1].length;
      fx.expectations.push({ rule: caret[3], range: { start: { line: lastCode, character: start }, end: { line: lastCode, character: start + caret[2].length } }, markerLine: i });
      continue;
    }
    void markerRe;
    const fixed = /^\s*# fixed: ?(.*)$/.exec(line);
    if (fixed && fx.expectations.length) {
      fx.expectations[fx.expectations.length - 1].fixed = fixed[1];
      continue;
    }
    const exp = /^\s*# expect: ([a-z0-9-]+\/[a-z0-9-]+) (\d+):(\d+)-(\d+):(\d+)\s*$/.exec(line);
    if (exp) {
      fx.expectations.push({ rule: exp[1], range: { start: { line: +exp[2] - 1, character: +exp[3] }, end: { line: +exp[4] - 1, character: +exp[5] } }, markerLine: i });
      continue;
    }
    const opt = /^\s*# fixture: (.*)$/.exec(line);
    if (opt) {
      for (const kv of opt[1].trim().split(/\s+/)) {
        const [k, v] = kv.split('=');
        fx.options[k] = v ?? 'true';
      }
      continue;
    }
    if (/^\s*# --- must not fire ---\s*$/.test(line)) {
      fx.mustNotFireFrom = i;
      continue;
    }
    if (line.trim() !== '') lastCode = i;
  }
  return fx;
}

/** All fixtures: test/fixtures/rules/<category>-<name>[.<variant>].<ext> */
export function listFixtures(ruleIds: string[]): Fixture[] {
  const out: Fixture[] = [];
  for (const f of fs.readdirSync(FIXTURE_DIR).sort()) {
    const base = f.replace(/\.[^.]+$/, '').replace(/\..*$/, '');
    const rule = ruleIds.find((id) => id.replace('/', '-') === base);
    if (!rule) throw new Error(`fixture ${f} names no rule`);
    out.push(parseFixture(path.join(FIXTURE_DIR, f), rule));
  }
  return out;
}
