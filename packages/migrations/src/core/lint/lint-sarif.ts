import { createHash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Rule } from '../safety/rule';
import { renderRuleDoc, ruleDocPath } from '../safety/rule-docs';
import type { LintedFinding, LintReport } from './lint-report';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
const SYNTAX_RULE = 'FM001';

/** The lint report as SARIF 2.1.0, for code-scanning annotations: waived and approved findings are suppressed, not dropped. */
export function lintSarif(report: LintReport, rules: readonly Rule[], toolVersion: string): Log {
  const descriptors: ReportingDescriptor[] = [
    ...rules.map((rule) => ({
      id: rule.code,
      name: rule.title.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase()),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.doc.problem },
      help: { text: `${rule.doc.problem}\n\n${rule.doc.solution}`, markdown: renderRuleDoc(rule) },
      defaultConfiguration: { level: LEVEL[rule.severity] },
      properties: { tags: ['migrations', rule.family], docs: ruleDocPath(rule) },
    })),
    {
      id: SYNTAX_RULE,
      name: 'MigrationSqlDoesNotParse',
      shortDescription: { text: 'migration.sql does not parse' },
      defaultConfiguration: { level: 'error' },
    },
  ];
  const index = new Map(descriptors.map((descriptor, position) => [descriptor.id, position]));
  const location = (file: string, line?: number) => [
    { physicalLocation: { artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' }, ...(line ? { region: { startLine: line } } : {}) } },
  ];
  const results: Result[] = report.migrations.flatMap((migration): Result[] => {
    if (migration.syntaxError) {
      return [
        {
          ruleId: SYNTAX_RULE,
          ruleIndex: index.get(SYNTAX_RULE),
          level: 'error',
          message: { text: migration.syntaxError.message },
          locations: location(migration.file, migration.syntaxError.line),
        },
      ];
    }
    return migration.findings.map((finding) => ({
      ruleId: finding.code,
      ruleIndex: index.get(finding.code),
      level: finding.blocking ? 'error' : LEVEL[finding.severity],
      message: {
        text:
          `${finding.message}` +
          `${migration.approvalProblem && finding.family === 'destructive' ? ` (approval.json does not count: ${migration.approvalProblem})` : ''}`,
      },
      locations: location(migration.file, finding.line),
      partialFingerprints: { 'forgeFinding/v1': fingerprint(migration.name, finding) },
      ...suppressions(finding),
    }));
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: '@forge/migrations',
            version: toolVersion,
            informationUri: 'https://github.com/forge/migrations',
            rules: descriptors,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The Nx workspace root' } } },
        results,
      },
    ],
  };
}

function suppressions(finding: LintedFinding): Pick<Result, 'suppressions'> {
  if (finding.waived) return { suppressions: [{ kind: 'inSource', justification: finding.waived }] };
  if (finding.approved)
    return { suppressions: [{ kind: 'external', justification: `data loss approved by ${finding.approved} (approval.json)` }] };
  return {};
}

/** Stable across edits elsewhere in the file: the migration, the rule and the statement's text. */
function fingerprint(migration: string, finding: LintedFinding): string {
  return createHash('sha256').update(`${migration}\0${finding.code}\0${finding.excerpt}`).digest('hex').slice(0, 32);
}
