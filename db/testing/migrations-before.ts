/**
 * A copy of a migrations folder whose journal stops just before one migration: a database migrated from it is one
 * written by the release before that migration, for tests that prove the migration on old rows.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Copies `folder` into `dir` with its journal cut before the first migration whose tag ends in `_<name>`. */
export function migrationsBefore(folder: string, name: string, dir: string): string {
  const to = path.join(dir, `migrations-before-${name}`);
  fs.cpSync(folder, to, { recursive: true });
  const journalFile = path.join(to, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith(`_${name}`));
  // Not found (-1) or the very first migration (nothing before it to start from) would test nothing.
  if (at < 1) throw new Error(`migrationsBefore: no migration _${name} after the first in ${folder}`);
  journal.entries = journal.entries.slice(0, at);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return to;
}
