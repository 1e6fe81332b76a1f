import type { Rule } from './rule';

/** Where a rule's doc page lives, relative to the repository root. */
export function ruleDocPath(rule: Pick<Rule, 'code'>): string {
  return `docs/rules/${rule.code}.md`;
}

/** A rule's doc page: what it flags, the problem, the safe alternative, how to waive it. */
export function renderRuleDoc(rule: Rule): string {
  return [
    `# ${rule.code}: ${rule.title}`,
    '',
    `Family: ${rule.family}. Severity: ${rule.severity}.` +
      `${rule.family === 'destructive' && rule.severity === 'error' ? ' Blocks generating and deploying until approved (`--allowDataLoss`).' : ''}`,
    '',
    '## The problem',
    '',
    rule.doc.problem,
    '',
    '## The safe alternative',
    '',
    rule.doc.solution,
    '',
    '## Waiving it',
    '',
    `Put \`-- forge-ignore ${rule.code}: <reason>\` on the line before the statement. The waiver and its reason are reported with the finding.`,
    '',
  ].join('\n');
}

/** The index of every rule. */
export function renderRuleIndex(rules: readonly Rule[]): string {
  return [
    '# Safety rules',
    '',
    'Every migration (generated or written by hand) is checked against these rules, on the syntax tree PostgreSQL itself parses.',
    '',
    '| code | family | severity | rule |',
    '|---|---|---|---|',
    ...rules.map((rule) => `| [${rule.code}](${rule.code}.md) | ${rule.family} | ${rule.severity} | ${rule.title} |`),
    '',
  ].join('\n');
}
