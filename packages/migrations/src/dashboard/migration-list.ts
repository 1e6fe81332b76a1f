import type { MigrationView, Risk } from './venture-view';

/** What the venture page lists: the migrations of one state and risk whose name holds `search`, a page at a time. */
export interface ListQuery {
  state?: string;
  risk?: string;
  search?: string;
  /** 1-based. */
  page: number;
}

export const PAGE_SIZE = 50;
export const STATES = ['applied', 'pending', 'failed', 'rolled back', 'unknown'] as const;
export const RISKS: readonly Risk[] = ['data loss', 'breaking', 'locking', 'data-dependent', 'low'];

export interface MigrationList {
  query: ListQuery;
  /** The page's migrations, newest first. */
  rows: MigrationView[];
  /** How many match the filters, over every page. */
  matching: number;
  pages: number;
  /** Index of the page's first row among those matching (0-based). */
  first: number;
}

export interface MigrationSummary {
  total: number;
  byState: Array<[string, number]>;
  byRisk: Array<[Risk, number]>;
  downs: Array<[string, number]>;
}

export function readListQuery(params: URLSearchParams): ListQuery {
  const choose = <T extends string>(value: string | null, allowed: readonly T[]) =>
    allowed.includes(value as T) ? (value as T) : undefined;
  const page = Number.parseInt(params.get('page') ?? '1', 10);
  return {
    state: choose(params.get('state'), STATES),
    risk: choose(params.get('risk'), RISKS),
    search: params.get('search')?.trim() || undefined,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** Every migration, newest first, as one page: the static export lists them all. */
export function wholeList(migrations: readonly MigrationView[]): MigrationList {
  return { query: { page: 1 }, rows: [...migrations].reverse(), matching: migrations.length, pages: 1, first: 0 };
}

export function listMigrations(migrations: readonly MigrationView[], query: ListQuery): MigrationList {
  const search = query.search?.toLowerCase();
  const matching = [...migrations]
    .reverse()
    .filter(
      (migration) =>
        (!query.state || migration.state === query.state) &&
        (!query.risk || migration.risk === query.risk) &&
        (!search || migration.name.toLowerCase().includes(search)),
    );
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(query.page, pages);
  const first = (page - 1) * PAGE_SIZE;
  return { query: { ...query, page }, rows: matching.slice(first, first + PAGE_SIZE), matching: matching.length, pages, first };
}

export function summarize(migrations: readonly MigrationView[]): MigrationSummary {
  const count = <T extends string>(values: readonly T[], of: (migration: MigrationView) => T) =>
    values.map((value): [T, number] => [value, migrations.filter((migration) => of(migration) === value).length]).filter(([, n]) => n > 0);
  return {
    total: migrations.length,
    byState: count(STATES, (migration) => migration.state),
    byRisk: count(RISKS, (migration) => migration.risk),
    downs: count(['script', 'irreversible', 'missing'] as const, (migration) => migration.downKind),
  };
}

/** The query string of a list page, keeping the filters: `?state=applied&page=2`. */
export function listHref(base: string, query: ListQuery, page = query.page): string {
  const params = new URLSearchParams();
  if (query.state) params.set('state', query.state);
  if (query.risk) params.set('risk', query.risk);
  if (query.search) params.set('search', query.search);
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}
