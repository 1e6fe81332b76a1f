import type { DeployPlan } from './deploy-plan';

/** What a deploy or rollback run reports, as JSON and Markdown (CI artifacts) and to the webhook. */
export interface DeployReport {
  command: 'migrate-deploy' | 'migrate-rollback';
  ok: boolean;
  runId: string;
  /** deployed, up-to-date, dry-run, rolled-back, restored, rollback-failed, declined, or refused (stopped before changing anything). */
  status: string;
  project: string;
  environment: string;
  database: string;
  startedAt: string;
  durationMs: number;
  applied: string[];
  rolledBack: string[];
  restored: boolean;
  backup?: { file: string; sha256: string; bytes: number };
  error?: string;
  warnings: string[];
  plan?: DeployPlan;
  /** A rollback's impact, as shown before it was confirmed. */
  impact?: string[];
  /** The schema version before and after a rollback. */
  version?: { from: string; to: string };
  events: Array<{ at: string; kind: string; migrations: string[]; durationMs?: number; error?: string }>;
  logFile: string;
}

export function deployMarkdown(report: DeployReport): string {
  const lines = [
    `# ${report.command} ${report.project} (${report.environment}): ${report.ok ? '✅' : '❌'} ${report.status}`,
    '',
    `- database: ${report.database}`,
    `- run: ${report.runId}, started ${report.startedAt}, ${report.durationMs} ms`,
  ];
  if (report.command === 'migrate-deploy') lines.push(`- applied: ${report.applied.join(', ') || 'none'}`);
  if (report.rolledBack.length) lines.push(`- rolled back: ${report.rolledBack.join(', ')}`);
  if (report.version) lines.push(`- schema version: ${report.version.from} → ${report.version.to}`);
  if (report.restored) lines.push('- restored from the backup');
  if (report.backup) lines.push(`- backup: \`${report.backup.file}\` (${report.backup.bytes} bytes, SHA-256 ${report.backup.sha256})`);
  lines.push(`- log: \`${report.logFile}\``);
  if (report.error) lines.push('', '## Error', '', '```', report.error, '```');
  if (report.impact?.length) lines.push('', '## Impact', '', '```', ...report.impact, '```');
  if (report.warnings.length) lines.push('', '## Warnings', '', ...report.warnings.map((warning) => `- ${warning}`));
  if (report.events.length) {
    lines.push('', '## Events', '', '| at | event | migrations | ms | error |', '|---|---|---|---:|---|');
    for (const event of report.events) {
      lines.push(
        `| ${event.at} | ${event.kind} | ${event.migrations.join(', ')} | ${event.durationMs ?? ''} | ` +
          `${(event.error ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A Slack-compatible message: `text` is what Slack, Mattermost and most chat webhooks show. */
export function webhookPayload(report: DeployReport, logExcerpt: string[]): { text: string; forge: Omit<DeployReport, 'plan'> } {
  const head =
    `:rotating_light: ${report.command} ${report.project} (${report.environment}) ${report.status}` +
    `: ${report.error?.split('\n')[0] ?? 'see the report'}`;
  const { plan: _plan, ...summary } = report;
  return { text: [head, '```', ...logExcerpt, '```'].join('\n'), forge: summary };
}
