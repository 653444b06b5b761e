import type { Applicability, Edit, Finding } from './rules/types';
import { analyze, type AnalysisResult, type EngineOptions } from './engine';
import { editsKeepMeaning } from './fixcheck';

/** Applies non-overlapping edits to a text (edits sorted, later ones first). */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start || b.span.end - a.span.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Picks, in order, the first fix of each finding with an allowed applicability whose edits do not overlap earlier picks. */
export function selectFixes(findings: Finding[], allowed: Applicability[] = ['safe']): Edit[] {
  const chosen: Edit[] = [];
  const overlaps = (e: Edit) => chosen.some((c) => e.span.start < c.span.end && c.span.start < e.span.end || (e.span.start === e.span.end && e.span.start === c.span.start && c.span.start === c.span.end));
  for (const f of findings) {
    const fix = f.fixes.find((x) => allowed.includes(x.applicability));
    if (!fix) continue;
    if (fix.edits.some(overlaps)) continue;
    // identical edits from two findings (e.g. the same `import os` insertion) are applied once
    const fresh = fix.edits.filter((e) => !chosen.some((c) => c.span.start === e.span.start && c.span.end === e.span.end && c.newText === e.newText));
    chosen.push(...fresh);
  }
  return chosen;
}

/**
 * Applies all safe fixes to a file, re-analysing after each round until nothing changes (at most 5
 * rounds). The CLI's --fix and the editor's "fix all" both use this, so they produce the same text.
 */
export async function fixAll(text: string, filePath: string, opts: EngineOptions, allowed: Applicability[] = ['safe'], first?: AnalysisResult): Promise<{ text: string; applied: number }> {
  let current = text;
  let applied = 0;
  let rounds = 5;
  for (let round = 0; round < rounds; round++) {
    // `first`: the caller's analysis of this very text (the editor's current version), not run again
    const r = round === 0 && first ? first : await analyze(current, filePath, opts);
    let edits = selectFixes(r.findings, allowed);
    if (!edits.length) break;
    // each safe fix was checked alone; together they may still clash (two renames to one new key):
    // then apply the first one alone and look again
    if (edits.length > 1 && r.model && allowed.every((a): boolean => a === 'safe') && !(await editsKeepMeaning(r.model, edits))) {
      const first = r.findings.find((f) => f.fixes.some((x) => allowed.includes(x.applicability)));
      edits = selectFixes(first ? [first] : [], allowed);
      if (rounds < 200) rounds++;
    }
    const next = applyEdits(current, edits);
    if (next === current) break;
    applied += edits.length;
    current = next;
  }
  return { text: current, applied };
}
