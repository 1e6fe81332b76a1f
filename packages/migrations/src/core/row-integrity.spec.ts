import { emptyIntent, type MigrationIntent } from './migration-intent';
import { checkRowIntegrity, describeViolation, type CascadeMap, type TableRows } from './row-integrity';

const users: TableRows = {
  columns: ['id', 'email', 'age'],
  primaryKey: ['id'],
  rows: [
    { id: 1, email: 'a@x', age: 30 },
    { id: 2, email: 'b@x', age: 40 },
  ],
};

function snapshot(entries: Record<string, TableRows>) {
  return new Map(Object.entries(entries));
}

function intent(changes: (intent: MigrationIntent) => void): MigrationIntent {
  const value = emptyIntent();
  changes(value);
  return value;
}

describe('checkRowIntegrity', () => {
  it('passes when every row and value survived', () => {
    const after = { ...users, columns: [...users.columns, 'nickname'], rows: users.rows.map((row) => ({ ...row, nickname: null })) };
    expect(checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({ 'public.User': after }), emptyIntent()).violations).toEqual([]);
  });

  it('reports a changed value by primary key, naming the columns', () => {
    const after = { ...users, rows: [users.rows[0], { ...users.rows[1], age: 41 }] };
    const { violations } = checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({ 'public.User': after }), emptyIntent());
    expect(violations).toEqual([{ kind: 'value-changed', table: 'public.User', key: { id: 2 }, columns: ['age'] }]);
    expect(describeViolation(violations[0])).toBe('row {"id":2} of public.User changed in age, which the migration does not update');
  });

  it('exempts what the migration means to change: updated, retyped and dropped columns, dropped tables', () => {
    const after = { columns: ['id', 'email'], primaryKey: ['id'], rows: users.rows.map(({ id }) => ({ id, email: 'changed' })) };
    const meant = intent((i) => {
      i.changedColumns.set('public.User', new Set(['email']));
      i.droppedColumns.set('public.User', new Set(['age']));
      i.droppedTables.add('public.Gone');
    });
    const before = snapshot({ 'public.User': users, 'public.Gone': users });
    expect(checkRowIntegrity(before, snapshot({ 'public.User': after }), meant).violations).toEqual([]);
  });

  it('follows renamed tables and columns', () => {
    const after = {
      columns: ['id', 'mail', 'age'],
      primaryKey: ['id'],
      rows: users.rows.map(({ id, email, age }) => ({ id, mail: email, age })),
    };
    const meant = intent((i) => {
      i.renamedTables.set('public.User', 'public.Member');
      i.renamedColumns.set('public.User', new Map([['email', 'mail']]));
    });
    expect(checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({ 'public.Member': after }), meant).violations).toEqual([]);
  });

  it('reports tables, columns and rows that vanished without being dropped', () => {
    const lessRows = { ...users, rows: [users.rows[0]] };
    const fewerColumns = { columns: ['id', 'email'], primaryKey: ['id'], rows: users.rows.map(({ id, email }) => ({ id, email })) };
    expect(checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({}), emptyIntent()).violations).toEqual([
      { kind: 'table-missing', table: 'public.User', rows: 2 },
    ]);
    expect(checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({ 'public.User': lessRows }), emptyIntent()).violations).toEqual([
      { kind: 'row-missing', table: 'public.User', row: users.rows[1] },
    ]);
    expect(
      checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({ 'public.User': fewerColumns }), emptyIntent()).violations,
    ).toEqual([{ kind: 'column-missing', table: 'public.User', column: 'age' }]);
  });

  it('lets rows vanish from deleted tables and what cascades from them', () => {
    const posts: TableRows = { columns: ['id', 'userId'], primaryKey: ['id'], rows: [{ id: 7, userId: 2 }] };
    const cascades: CascadeMap = new Map([['public.Post', [{ parent: 'public.User', columns: ['userId'], action: 'cascade' }]]]);
    const meant = intent((i) => i.rowsMayVanish.add('public.User'));
    const after = snapshot({ 'public.User': { ...users, rows: [users.rows[0]] }, 'public.Post': { ...posts, rows: [] } });
    expect(checkRowIntegrity(snapshot({ 'public.User': users, 'public.Post': posts }), after, meant, cascades).violations).toEqual([]);
    expect(checkRowIntegrity(snapshot({ 'public.User': users, 'public.Post': posts }), after, meant).violations).toEqual([
      { kind: 'row-missing', table: 'public.Post', row: { id: 7, userId: 2 } },
    ]);
  });

  it('reports a column dropped and added again under the same name as lost values, not as damage: the SQL drops it', () => {
    const after = { ...users, rows: users.rows.map((row) => ({ ...row, age: null })) };
    const meant = intent((i) => i.droppedColumns.set('public.User', new Set(['age'])));
    const { violations, lostValues } = checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({ 'public.User': after }), meant);
    expect(violations).toEqual([]);
    expect(lostValues).toEqual([{ kind: 'column-recreated', table: 'public.User', column: 'age', valuesLost: 2 }]);
  });

  it('follows a column swap: the old column dropped, its converted copy renamed into its place', () => {
    const before = { columns: ['id', 'age', 'age__forge_new'], primaryKey: ['id'], rows: [{ id: 1, age: '30', age__forge_new: 30 }] };
    const after = { columns: ['id', 'age'], primaryKey: ['id'], rows: [{ id: 1, age: 30 }] };
    const meant = intent((i) => {
      i.droppedColumns.set('public.User', new Set(['age']));
      i.renamedColumns.set('public.User', new Map([['age__forge_new', 'age']]));
    });
    expect(checkRowIntegrity(snapshot({ 'public.User': before }), snapshot({ 'public.User': after }), meant).violations).toEqual([]);
  });

  it('does not compare values when a statement is opaque, and says so', () => {
    const after = { ...users, rows: users.rows.map((row) => ({ ...row, age: 0 })) };
    const meant = intent((i) => i.opaque.push('DO $$ ... $$'));
    const result = checkRowIntegrity(snapshot({ 'public.User': users }), snapshot({ 'public.User': after }), meant);
    expect(result).toEqual({ violations: [], lostValues: [], notCompared: ['values may be changed by: DO $$ ... $$'] });
  });

  it('takes a table or column gone after an opaque statement as dropped by it, and says so', () => {
    const after = { columns: ['id', 'email'], primaryKey: ['id'], rows: users.rows.map(({ id, email }) => ({ id, email })) };
    const meant = intent((i) => i.opaque.push('DO $$ ... $$'));
    const result = checkRowIntegrity(snapshot({ 'public.User': users, 'public.Gone': users }), snapshot({ 'public.User': after }), meant);
    expect(result.violations).toEqual([]);
    expect(result.notCompared).toEqual([
      'values may be changed by: DO $$ ... $$',
      'column public.User.age is gone, taken as dropped by an opaque statement',
      'table public.Gone is gone, taken as dropped by an opaque statement',
    ]);
  });

  it('compares tables without a primary key as multisets of rows', () => {
    const log: TableRows = { columns: ['msg'], primaryKey: [], rows: [{ msg: 'a' }, { msg: 'a' }] };
    const after = { ...log, rows: [{ msg: 'a' }] };
    expect(checkRowIntegrity(snapshot({ 'public.Log': log }), snapshot({ 'public.Log': after }), emptyIntent()).violations).toEqual([
      { kind: 'row-missing', table: 'public.Log', row: { msg: 'a' } },
    ]);
  });
});
