import type { StatusReport } from '../../core/deploy/status-report';
import { wholeList } from '../migration-list';
import type { VentureView } from '../venture-view';
import { venturePage } from './venture-page';

const ARCHIVE = {
  migration: '20240502000000_drop_note',
  what: 'table public.Note',
  rows: 35,
  bytes: 16384,
  createdAt: '2026-12-06 10:00:00+00',
  expiresAt: '2026-12-13 10:00:00+00',
};

function view(archives: StatusReport['archives']): VentureView {
  const status = { archives, drift: { checked: true, clean: true, sql: '' }, schemaVersion: { database: '1.0.0' } } as StatusReport;
  return { project: 'billing', root: 'apps/billing', where: 'the embedded database', status, migrations: [], events: [] };
}

describe('venturePage', () => {
  it('lists what deploys archived, with its migration, size and expiry; nothing when there is none', () => {
    const page = venturePage(view([ARCHIVE]), { kind: 'static' }, wholeList([])).text;
    expect(page).toContain('<h2>Archives</h2>');
    expect(page).toMatch(
      /<tr><td>table public\.Note<\/td><td><code>20240502000000_drop_note<\/code><\/td><td>35<\/td><td>16384<\/td><td>2026-12-13 10:00:00\+00<\/td><\/tr>/,
    );
    expect(venturePage(view([]), { kind: 'static' }, wholeList([])).text).not.toContain('Archives');
  });
});
