// Write docs/rules/<CODE>.md and docs/rules/README.md from the rule catalogue.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../packages/migrations/src/core/safety/catalogue';
import { renderRuleDoc, renderRuleIndex, ruleDocPath } from '../packages/migrations/src/core/safety/rule-docs';

const root = path.resolve(__dirname, '..');
mkdirSync(path.join(root, 'docs', 'rules'), { recursive: true });
for (const rule of RULES) writeFileSync(path.join(root, ruleDocPath(rule)), renderRuleDoc(rule));
writeFileSync(path.join(root, 'docs', 'rules', 'README.md'), renderRuleIndex(RULES));
console.log(`${RULES.length} rule docs written to docs/rules`);
