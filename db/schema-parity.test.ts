/**
 * db/schema.ts (SQLite) and db/schema-pg.ts (PostgreSQL) describe the same data: same exported tables, same table and
 * column names under the same property names, same nullability, defaults (as stored), keys, autoincrement/identity,
 * enum values, indexes and foreign keys, and every column stores a value the same way (a boolean as 0/1 in both).
 * Read through drizzle's own getTableConfig, so a column added to one schema and not the other fails here.
 */
import { getTableColumns, is, SQL } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as liteConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as lite from './schema';
import * as pgSchema from './schema-pg';

type AnyColumn = ReturnType<typeof getTableColumns>[string];
/** A column or SQL expression inside an index (both dialects' index configs hold either). */
type IndexPart = { name?: string } | SQL;

const liteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

/** Values each kind of column is written and read back with, keyed by the SQLite column's JS type. */
const SAMPLES: Record<string, unknown[]> = {
  boolean: [true, false],
  number: [0, 10001, Number.MAX_SAFE_INTEGER],
  string: ['', 'x', '课程'],
};

function tablesOf(mod: Record<string, unknown>, isTable: (v: unknown) => boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(mod).filter(([, v]) => isTable(v)));
}

function partName(p: IndexPart, render: (s: SQL) => string): string {
  return is(p, SQL) ? render(p) : (p.name ?? '?');
}

/** Everything that must match, in a form both dialects produce alike. */
function describeColumns(
  columns: Record<string, AnyColumn>,
  render: (s: SQL) => string,
  sampleKinds: Record<string, string>,
) {
  return Object.entries(columns).map(([prop, c]) => {
    const identity = (c as { autoIncrement?: boolean }).autoIncrement === true || c.generatedIdentity !== undefined;
    const stored = (v: unknown) => c.mapToDriverValue(v);
    const def =
      c.default === undefined ? undefined : is(c.default, SQL) ? render(c.default) : String(stored(c.default));
    return {
      prop,
      name: c.name,
      notNull: c.notNull,
      primary: c.primary,
      unique: c.isUnique,
      identity,
      default: def,
      enumValues: c.enumValues,
      // Written as the same driver value, read back as the same JS value.
      roundTrip: (SAMPLES[sampleKinds[prop] ?? ''] ?? []).map((v: unknown) => [
        stored(v),
        c.mapFromDriverValue(stored(v)),
      ]),
    };
  });
}

const liteTables = tablesOf(lite, (v) => is(v, SQLiteTable)) as Record<string, SQLiteTable>;
const pgTables = tablesOf(pgSchema, (v) => is(v, PgTable)) as Record<string, PgTable>;

/** The two tables exported as `key` (the first test already names a missing one). */
function pair(key: string): [SQLiteTable, PgTable] {
  const l = liteTables[key];
  const p = pgTables[key];
  if (!l || !p) throw new Error(`table export ${key} is missing from ${l ? 'schema-pg.ts' : 'schema.ts'}`);
  return [l, p];
}

describe('schema parity (SQLite ↔ PostgreSQL)', () => {
  it('exports the same tables under the same names', () => {
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(liteTables).sort());
    expect(Object.keys(liteTables).length).toBeGreaterThanOrEqual(15);
    for (const key of Object.keys(liteTables)) {
      const [l, p] = pair(key);
      expect(pgConfig(p).name, key).toBe(liteConfig(l).name);
    }
  });

  for (const key of Object.keys(liteTables)) {
    it(`${key}: same columns, keys, indexes and foreign keys`, () => {
      const [liteTable, pgTable] = pair(key);
      const l = liteConfig(liteTable);
      const p = pgConfig(pgTable);
      const liteCols = getTableColumns(liteTable) as Record<string, AnyColumn>;
      const pgCols = getTableColumns(pgTable) as Record<string, AnyColumn>;
      const kinds = Object.fromEntries(Object.entries(liteCols).map(([prop, c]) => [prop, c.dataType as string]));
      const renderLite = (s: SQL) => liteDialect.sqlToQuery(s).sql;
      const renderPg = (s: SQL) => pgDialect.sqlToQuery(s).sql;

      expect(describeColumns(pgCols, renderPg, kinds)).toEqual(describeColumns(liteCols, renderLite, kinds));

      const pks = (cfg: { primaryKeys: { columns: { name: string }[] }[] }) =>
        cfg.primaryKeys.map((k) => k.columns.map((c) => c.name));
      expect(pks(p)).toEqual(pks(l));

      const indexes = (
        list: { config: { name: string; unique: boolean; columns: IndexPart[] } }[],
        r: (s: SQL) => string,
      ) =>
        list
          .map((i) => ({
            name: i.config.name,
            unique: i.config.unique,
            columns: i.config.columns.map((c) => partName(c, r)),
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
      expect(indexes(p.indexes as never, renderPg)).toEqual(indexes(l.indexes as never, renderLite));

      const uniques = (list: { getName(): string | undefined; columns: { name: string }[] }[]) =>
        list.map((u) => ({ name: u.getName(), columns: u.columns.map((c) => c.name) }));
      expect(uniques(p.uniqueConstraints)).toEqual(uniques(l.uniqueConstraints));

      const fks = (
        list: {
          reference(): { columns: { name: string }[]; foreignColumns: { name: string; table: unknown }[] };
          onDelete?: string;
          onUpdate?: string;
        }[],
        tableName: (t: unknown) => string,
      ) =>
        list
          .map((fk) => {
            const r = fk.reference();
            return {
              columns: r.columns.map((c) => c.name),
              to: tableName(r.foreignColumns[0]?.table),
              foreignColumns: r.foreignColumns.map((c) => c.name),
              onDelete: fk.onDelete ?? 'no action',
              onUpdate: fk.onUpdate ?? 'no action',
            };
          })
          .sort((a, b) => a.columns.join().localeCompare(b.columns.join()));
      expect(fks(p.foreignKeys, (t) => pgConfig(t as PgTable).name)).toEqual(
        fks(l.foreignKeys, (t) => liteConfig(t as SQLiteTable).name),
      );
    });
  }

  it('room numbers: AUTOINCREMENT seeded at 10000 in SQLite, an identity starting at 10001 in PostgreSQL', () => {
    expect((lite.courses.roomnum as unknown as { autoIncrement: boolean }).autoIncrement).toBe(true);
    expect(pgSchema.courses.roomnum.generatedIdentity).toMatchObject({
      type: 'always',
      sequenceOptions: { startWith: 10001 },
    });
  });
});
