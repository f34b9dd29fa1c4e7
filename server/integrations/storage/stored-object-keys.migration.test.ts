/**
 * Migration stored_object_keys: a database at the previous migration holding absolute URLs this server made (on some
 * old host and port) is migrated; its own /storage/ objects become `storage:<key>` references, everything else stays,
 * and the legacy door then answers with URLs at the host the request came to. Old predictable index keys are re-queued
 * and rebuilt at a random key.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { describe, expect, it } from 'vitest';
import { migrateDb, MIGRATIONS_DIR, openDb } from '../../../db/client';
import { rawRows } from '../../../db/dialect';
import { createServiceCtx } from '../../context';
import { loadEnv } from '../../env';
import { buildPlaybackIndexes } from '../../jobs/build-playback-index';
import { createLogger } from '../../logger';
import { startLegacyTestServer } from '../../testing/legacy-server';
import { signUp } from '../../testing/legacy-fixtures';
import { migrationsBefore } from '../../../db/testing/migrations-before';
import { tempDir } from '../../../db/testing/test-db';
import { testEngine } from '../../../db/testing/test-engine';

// A migration of SQLite files written before PostgreSQL was served; PostgreSQL databases start from its own migrations.
describe.skipIf(testEngine() === 'pg')('migration stored_object_keys (SQLite files)', () => {
  it("rewrites URLs of this server's own objects to keys, leaves external ones, and answers are rebuilt per request", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'edu.db');
    const db = openDb(file, { migrate: false });
    migrate(db, { migrationsFolder: migrationsBefore(MIGRATIONS_DIR, 'stored_object_keys', dir) });
    // A second connection for the test's own multi-statement writes (exec), as an older version of the server would.
    const sqlite = new Database(file);
    sqlite.pragma('foreign_keys = ON');

    const OLD = 'http://old-host:3000/storage/';
    sqlite.exec(`
      INSERT INTO users (uid, pwd_hash, role, created_at) VALUES ('teacher1', 'x', 1, 1);
      INSERT INTO courses (roomnum, appid, host_uid, title, cover, state, created_at, list_time, playback_idx_url, index_status)
        VALUES (20001, 1400000000, 'teacher1', 'ours', '${OLD}uploads/teacher1/c0ffee.png', 3, 1, 1, '${OLD}playback/20001/index-1700000000.json', 'ready'),
               (20002, 1400000000, 'teacher1', 'tencent idx', '', 3, 2, 2, 'https://tencent.example/replay/20002.json', 'ready');
      INSERT INTO recordings (roomnum, uid, file_id, video_id, video_url, start_time, end_time, media_start_time, file_size, duration, created_at)
        VALUES (20001, 'teacher1', 'demo-1', 'dv', 'http://localhost:3000/storage/demo/recordings/lesson-1.mp4', 1, 2, 0, 1, 1, 1),
               (20001, 'teacher1', '5285', 'tv', 'http://1234.vod2.myqcloud.com/abc/f0.mp4', 1, 2, 0, 1, 1, 1);
      INSERT INTO bound_files (owner_uid, roomnum, type, file_name, url, created_at) VALUES
        ('teacher1', 0, 0, 'upload.pdf', 'https://old-host/storage/uploads/teacher1/aa.pdf', 5),
        ('teacher1', 0, 0, 'external.pdf', 'http://files.example/storage/uploads/x.pdf?sig=1', 4),
        ('teacher1', 0, 0, 'nested.pdf', 'http://evil.example/mirror/storage/uploads/teacher1/aa.pdf', 3),
        ('teacher1', 0, 0, 'escaped.pdf', '${OLD}uploads/teacher1/a%20b.pdf', 2),
        ('teacher1', 0, 0, 'client.pdf', '${OLD}courseware/mine.pdf', 1);
      INSERT INTO course_events (roomnum, at, kind, uid, role, detail)
        VALUES (20001, 1, 'file_bound', 'teacher1', 1, '{"type":0,"file_name":"upload.pdf","url":"https://old-host/storage/uploads/teacher1/aa.pdf"}');
    `);

    migrateDb(db);

    const rows = (q: string) => rawRows<Record<string, unknown>>(db, sql.raw(q));
    const one = async (q: string) => (await rows(q))[0]!;
    expect(await one('SELECT playback_idx_url, cover, index_status FROM courses WHERE roomnum = 20001')).toEqual({
      playback_idx_url: 'storage:playback/20001/index-1700000000.json',
      cover: 'storage:uploads/teacher1/c0ffee.png',
      // The old predictable key is retired: the index is rebuilt at a random key.
      index_status: 'pending',
    });
    expect(await one('SELECT playback_idx_url, index_status FROM courses WHERE roomnum = 20002')).toEqual({
      playback_idx_url: 'https://tencent.example/replay/20002.json',
      index_status: 'ready',
    });
    expect((await rows('SELECT video_url FROM recordings ORDER BY id')).map((r) => r.video_url)).toEqual([
      'storage:demo/recordings/lesson-1.mp4',
      'http://1234.vod2.myqcloud.com/abc/f0.mp4',
    ]);
    expect((await rows('SELECT file_name, url FROM bound_files ORDER BY id')).map((r) => r.url)).toEqual([
      'storage:uploads/teacher1/aa.pdf',
      'http://files.example/storage/uploads/x.pdf?sig=1',
      'http://evil.example/mirror/storage/uploads/teacher1/aa.pdf',
      `${OLD}uploads/teacher1/a%20b.pdf`,
      `${OLD}courseware/mine.pdf`,
    ]);
    expect(
      JSON.parse(String((await one("SELECT detail FROM course_events WHERE kind = 'file_bound'")).detail)),
    ).toMatchObject({
      url: 'storage:uploads/teacher1/aa.pdf',
    });

    // Answers: built at the host the request came to (no PUBLIC_BASE_URL), on a port that is not the old one.
    const env = loadEnv({ DATABASE_URL: file, STORAGE_DIR: path.join(dir, 'storage') });
    const ctx = createServiceCtx(env, { db, log: createLogger('silent') });
    await buildPlaybackIndexes(ctx);
    expect(String((await one('SELECT playback_idx_url FROM courses WHERE roomnum = 20001')).playback_idx_url)).toMatch(
      /^storage:playback\/20001\/[0-9a-f]{32}\/index\.json$/,
    );
    const s = await startLegacyTestServer(ctx);
    try {
      const token = await signUp(s, 'teacher9', 1);
      sqlite.exec(
        `UPDATE courses SET host_uid = 'teacher9' WHERE roomnum = 20001; UPDATE bound_files SET owner_uid = 'teacher9'`,
      );
      const rooms = (
        await s.call<{ rooms: { roomnum: number; cover: string; playback_idx_url: string }[] }>('live/roomlist', {
          token,
          index: 0,
          size: 10,
        })
      ).data!.rooms;
      const r1 = rooms.find((r) => r.roomnum === 20001)!;
      expect(r1.cover).toBe(`${s.url}/storage/uploads/teacher1/c0ffee.png`);
      expect(r1.playback_idx_url).toMatch(new RegExp(`^${s.url}/storage/playback/20001/[0-9a-f]{32}/index\\.json$`));
      expect((await fetch(r1.playback_idx_url)).status).toBe(200);
      const files = (await s.call<{ bind_files: { url: string }[] }>('live/querybind', { token, index: 0, size: 10 }))
        .data!.bind_files;
      expect(files.map((f) => f.url)).toEqual([
        `${s.url}/storage/uploads/teacher1/aa.pdf`,
        'http://files.example/storage/uploads/x.pdf?sig=1',
        'http://evil.example/mirror/storage/uploads/teacher1/aa.pdf',
        `${OLD}uploads/teacher1/a%20b.pdf`,
        `${OLD}courseware/mine.pdf`,
      ]);
    } finally {
      await s.close();
      sqlite.close();
    }
  });
});
