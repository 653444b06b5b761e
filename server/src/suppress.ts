import type { Comment } from './model/types';
import type { Finding } from './rules/types';
import { LineIndex, type Span } from './util/text';

export type DirectiveKind = 'disable' | 'disable-next-line' | 'disable-file';

export interface Directive {
  kind: DirectiveKind;
  /** rule ids, "category/*" or "all" */
  rules: { id: string; span: Span }[];
  /** the line it applies to (-1 for the whole file) */
  line: number;
  comment: Comment;
}

const DIRECTIVE = /#\s*hubcfg:\s*(disable-next-line|disable-file|disable)\s*=\s*([A-Za-z0-9_*/,\s-]+)/;

/** Reads `# hubcfg: disable=…`, `disable-next-line=…` and `disable-file=…` comments. */
export function parseDirectives(comments: Comment[], text: string): Directive[] {
  const idx = LineIndex.of(text);
  const out: Directive[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const kind = m[1] as DirectiveKind;
    const listStart = c.span.start + m.index + m[0].length - m[2].length;
    const rules: { id: string; span: Span }[] = [];
    const re = /[A-Za-z0-9_*/-]+/g;
    for (const r of m[2].matchAll(re)) {
      rules.push({ id: r[0], span: { start: listStart + r.index!, end: listStart + r.index! + r[0].length } });
    }
    if (!rules.length) continue;
    const commentLine = idx.positionAt(c.span.start).line;
    let line = commentLine;
    if (kind === 'disable-file') line = -1;
    else if (kind === 'disable-next-line') {
      line = commentLine + 1;
      // the next line that holds code (skip blank and comment-only lines)
      while (line < idx.lineCount && /^\s*(#.*)?$/.test(text.slice(idx.lineStart(line), idx.lineEnd(line)))) line++;
    }
    out.push({ kind, rules, line, comment: c });
  }
  return out;
}

function matches(pattern: string, rule: string): boolean {
  if (pattern === 'all' || pattern === '*') return true;
  if (pattern.endsWith('/*')) return rule.startsWith(pattern.slice(0, -1));
  return pattern === rule;
}

/**
 * Drops suppressed findings and reports suppressions that suppressed nothing
 * (as `suppression/unused`, with a fix that removes them).
 */
export function applySuppressions(findings: Finding[], directives: Directive[], text: string, knownRules: Set<string>, reportUnused: boolean): Finding[] {
  if (!directives.length) return findings;
  const idx = LineIndex.of(text);
  const used = new Set<string>();
  const key = (d: Directive, i: number) => `${d.comment.span.start}:${i}`;
  const kept = findings.filter((f) => {
    const start = idx.positionAt(f.span.start).line;
    const end = idx.positionAt(f.span.end).line;
    for (const d of directives) {
      if (d.line !== -1 && d.line !== start && d.line !== end) continue;
      const i = d.rules.findIndex((r) => matches(r.id, f.rule));
      if (i >= 0) {
        used.add(key(d, i));
        return false;
      }
    }
    return true;
  });
  if (!reportUnused) return kept;
  for (const d of directives) {
    d.rules.forEach((r, i) => {
      if (used.has(key(d, i))) return;
      const unknown = r.id !== 'all' && r.id !== '*' && !r.id.endsWith('/*') && !knownRules.has(r.id);
      const message = unknown ? `Unknown rule "${r.id}" in a hubcfg suppression comment` : `This suppression of ${r.id} suppresses nothing`;
      kept.push({ rule: 'suppression/unused', severity: 'warning', message, span: r.span, fixes: [{ title: `Remove the suppression of ${r.id}`, applicability: 'safe', edits: [removalEdit(d, i, text)] }] });
    });
  }
  return kept;
}

/** The edit that removes one rule id from a directive, or the whole comment when it is the only one. */
function removalEdit(d: Directive, i: number, text: string): { span: Span; newText: string } {
  if (d.rules.length > 1) {
    const r = d.rules[i];
    // remove the id with the comma on one side
    if (i < d.rules.length - 1) return { span: { start: r.span.start, end: d.rules[i + 1].span.start }, newText: '' };
    return { span: { start: d.rules[i - 1].span.end, end: r.span.end }, newText: '' };
  }
  // the whole comment, with the spaces before it; a comment-only line goes with its line break
  let start = d.comment.span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = d.comment.span.end;
  if (start === 0 || text[start - 1] === '\n') {
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
  }
  return { span: { start, end }, newText: '' };
}
