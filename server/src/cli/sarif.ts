import { RULES, ruleDocUrl } from '../rules';
import type { Diagnostic } from '../engine';
import type { Severity } from '../rules/types';

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

export interface FileResult {
  path: string;
  kind: string;
  diagnostics: Diagnostic[];
}

/** SARIF 2.1.0 for code-scanning upload. Columns are 1-based UTF-16 code units (the SARIF default). */
export function toSarif(files: FileResult[], version: string): object {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const results = [];
  for (const f of files) {
    for (const d of f.diagnostics) {
      const result: Record<string, unknown> = {
        ruleId: d.rule,
        ruleIndex: ruleIndex.get(d.rule),
        level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: f.path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
              region: { startLine: d.range.start.line + 1, startColumn: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1 },
            },
          },
        ],
      };
      const safe = d.fixes.filter((x) => x.applicability === 'safe');
      if (safe.length) {
        result.fixes = safe.map((x) => ({
          description: { text: x.title },
          artifactChanges: [
            {
              artifactLocation: { uri: f.path.replace(/\\/g, '/'), uriBaseId: '%SRCROOT%' },
              replacements: x.edits.map((e) => ({
                deletedRegion: { startLine: e.range.start.line + 1, startColumn: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1 },
                insertedContent: { text: e.newText },
              })),
            },
          ],
        }));
      }
      results.push(result);
    }
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hubcfg',
            version,
            informationUri: 'https://github.com/hubcfg/hubcfg',
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id.split('/')[1].replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.rationale },
              helpUri: ruleDocUrl(r.id),
              help: { text: r.howToFix, markdown: `${r.rationale}\n\n**Fix:** ${r.howToFix}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { tags: [r.id.split('/')[0]] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
