import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../test-support/fixtures';
import { RULES } from './catalogue';
import { renderRuleDoc, ruleDocPath } from './rule-docs';

describe('rule catalogue', () => {
  it('gives every rule a unique code of its family, a title and both halves of its doc', () => {
    const codes = RULES.map((rule) => rule.code);
    expect(new Set(codes).size).toBe(codes.length);
    const prefixes = { destructive: 'DS', 'backward-incompatible': 'BC', locking: 'LK', 'data-dependent': 'DD' };
    for (const rule of RULES) {
      expect(rule.code).toMatch(new RegExp(`^${prefixes[rule.family]}\\d{3}$`));
      expect(rule.title.length).toBeGreaterThan(5);
      expect(rule.doc.problem.length).toBeGreaterThan(20);
      expect(rule.doc.solution.length).toBeGreaterThan(20);
    }
  });

  it('has a doc page for every code, up to date with the rule (npm run docs:rules writes them)', () => {
    for (const rule of RULES) {
      const file = path.join(REPO_ROOT, ruleDocPath(rule));
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(renderRuleDoc(rule));
    }
  });

  it('has a spec file with ok/err cases beside every rule', () => {
    const dir = path.join(__dirname, 'rules');
    for (const rule of RULES) {
      const base = `${rule.code.toLowerCase()}-`;
      const spec = readdirSync(dir).find((file: string) => file.startsWith(base) && file.endsWith('.spec.ts'));
      expect(spec).toBeDefined();
    }
  });
});
