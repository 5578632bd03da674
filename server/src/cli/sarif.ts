/** SARIF 2.1.0 output for code-scanning UIs, with fixes as SARIF `fixes`. */
import { rules } from '../rules/index.js';
import { ruleDocsUrl } from './rule-docs-url.js';
import type { DetailedFinding, Severity } from '../kernel/types.js';
import { fixTitle } from '../kernel/rule.js';

/**
 * A file name as a SARIF `uri` (a URI reference, relative to the run's root): `/` separated, every segment
 * percent-encoded, so that a space, newline, `#`, `?` or `%` in a committed name stays part of the path (issue 27).
 */
export function sarifUri(file: string): string {
  const parts = file.replace(/\\/g, '/').split('/');
  return parts.map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg))).join('/');
}

const LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function toSarif(rows: readonly { file: string; f: DetailedFinding }[], version: string): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dockerfile-slim',
            version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.docs.summary },
              fullDescription: { text: r.docs.why },
              helpUri: ruleDocsUrl(r.id),
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        results: rows.map(({ file, f }) => ({
          ruleId: f.rule,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(file) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          ...(f.fixDetail && f.fixDetail.edits.length > 0
            ? {
                fixes: [
                  {
                    description: { text: fixTitle(f.fixDetail) + (f.fixDetail.safe ? '' : ' (unsafe)') },
                    artifactChanges: [
                      {
                        artifactLocation: { uri: sarifUri(file) },
                        replacements: f.fixDetail.edits.map((e) => ({
                          deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
                          insertedContent: { text: e.text },
                        })),
                      },
                    ],
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
}
