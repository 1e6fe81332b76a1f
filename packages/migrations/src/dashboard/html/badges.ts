import { html, type Safe } from './template';

const STATE_CLASS: Record<string, string> = { applied: 'ok', pending: 'pending', failed: 'bad', 'rolled back': 'warn', unknown: 'muted' };
const RISK_CLASS: Record<string, string> = {
  'data loss': 'bad',
  breaking: 'warn',
  locking: 'warn',
  'data-dependent': 'warn',
  low: 'muted',
};

export function stateBadge(state: string): Safe {
  return html`<span class="badge ${STATE_CLASS[state] ?? 'muted'}" data-state="${state}">${state}</span>`;
}

export function riskBadge(risk: string): Safe {
  const label = risk === 'low' ? 'low risk' : risk;
  return html`<span class="badge ${RISK_CLASS[risk] ?? 'muted'}" title="from the safety analysis">${label}</span>`;
}
