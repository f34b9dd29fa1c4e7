import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { closeDb } from '../../db/client';
import { closeServiceCtx, createServiceCtx } from '../context';
import { loadEnv } from '../env';
import { createLogger } from '../logger';
import { createRequestListener } from '../main';
import { createRuntime } from '../runtime';
import { loginConsole } from '../console/sessions';
import { callerFor } from '../trpc/testing';
import { createTestDb } from '../../db/testing/test-db';
import { DEMO_TEACHER, NotEmptyError, seedDemoData, tinyPdf } from './demo-data';
import { rawRows, rawWrite } from '../../db/dialect';
import { inTransaction } from '../../db/client';
import { sql } from 'drizzle-orm';

describe('npm run demo-data', () => {
  it('fills a fresh database with courses in every state, a recording and a valid ready playback index', async () => {
    const t = createTestDb();
    const dir = t.dir;
    const env = loadEnv({
      DATABASE_URL: t.url,
      STORAGE_DIR: path.join(dir, 'storage'),
      PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    });
    const now = 1_800_000_000;
    const demo = await seedDemoData(env, now);
    expect(demo).not.toBeNull();
    const db = t.db;
    const states = (await rawRows(db, sql`SELECT state, COUNT(*) AS n FROM courses GROUP BY state ORDER BY state`)) as {
      state: number;
      n: number;
    }[];
    expect(states.map((s) => s.state)).toEqual([0, 1, 2, 3]);
    const teacher = (await rawRows(db, sql`SELECT role, pwd_hash FROM users WHERE uid = ${DEMO_TEACHER}`))[0] as {
      role: number;
      pwd_hash: string;
    };
    expect(teacher.role).toBe(1);
    expect(teacher.pwd_hash).toMatch(/^scrypt\$/);
    expect(teacher.pwd_hash).not.toContain(Buffer.from(demo!.password).toString('base64'));

    const replay = (
      await rawRows(
        db,
        sql`SELECT state, playback_idx_url, playback_published FROM courses WHERE roomnum = ${demo!.replayRoomnum}`,
      )
    )[0] as {
      state: number;
      playback_idx_url: string;
      playback_published: number;
    };
    expect(replay.state).toBe(3);
    expect(replay.playback_published).toBe(1);
    // Stored as keys (no host or port in the database), the index at an unguessable key.
    expect(replay.playback_idx_url).toMatch(/^storage:playback\/\d+\/[0-9a-f]{32}\/index\.json$/);
    const key = replay.playback_idx_url.slice('storage:'.length);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'storage', key), 'utf8')) as {
      recordings: { video_url: string }[];
    };
    const schema = JSON.parse(
      fs.readFileSync(path.join(process.cwd(), 'docs', 'playback-index.schema.json'), 'utf8'),
    ) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(index), JSON.stringify(validate.errors)).toBe(true);
    expect(index.recordings).toHaveLength(1);
    const clipKey = index.recordings[0]!.video_url.replace('http://127.0.0.1:9/storage/', '');
    expect(clipKey).toMatch(/^demo\/[0-9a-f]{32}\/recordings\/lesson-1\.mp4$/);
    expect(fs.statSync(path.join(dir, 'storage', clipKey)).size).toBe(
      fs.statSync(path.join(process.cwd(), 'e2e/fixtures/demo-clip.mp4')).size,
    );
    const stored = (await rawRows(db, sql`SELECT video_url FROM recordings`)) as { video_url: string }[];
    expect(stored).toEqual([{ video_url: `storage:${clipKey}` }]);
    expect(
      (await rawRows(db, sql`SELECT count(*) AS n FROM bound_files WHERE url NOT LIKE 'storage:demo/%'`))[0],
    ).toEqual({ n: 0 });

    // Attendance exists for the replay course; running again changes nothing.
    const enters = (
      await rawRows(
        db,
        sql`SELECT COUNT(*) AS n FROM course_events WHERE roomnum = ${demo!.replayRoomnum} AND kind = 'member_enter'`,
      )
    )[0] as { n: number };
    expect(enters.n).toBe(7);
    expect(await seedDemoData(env, now)).toBeNull();
    await closeDb(db);
  });

  it('served on another port without PUBLIC_BASE_URL, roomlist and the console hand out URLs at that port that play', async () => {
    const t = createTestDb();
    const env = loadEnv({ DATABASE_URL: t.url, STORAGE_DIR: path.join(t.dir, 'storage') });
    expect(env.PUBLIC_BASE_URL).toBeUndefined();
    const demo = (await seedDemoData(env, Math.floor(Date.now() / 1000)))!;
    const ctx = createServiceCtx(env, { db: t.db, log: createLogger('silent') });
    const server = http.createServer(createRequestListener(createRuntime(ctx), null));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(host.endsWith(':3000')).toBe(false);
    try {
      const legacy = async (cmd: string, body: Record<string, unknown>) => {
        const res = await fetch(`http://${host}/index.php?svc=${cmd.split('/')[0]}&cmd=${cmd.split('/')[1]}`, {
          method: 'POST',
          body: JSON.stringify({ appid: env.SDKAPPID, timeStamp: 1, ...body }),
        });
        return (await res.json()) as { errorCode: number; data: Record<string, unknown> };
      };
      const pwd = Buffer.from(demo.password).toString('base64');
      const token = (await legacy('account/login', { id: DEMO_TEACHER, pwd })).data.token as string;
      const rooms = (await legacy('live/roomlist', { token, index: 0, size: 50, roomnum: demo.replayRoomnum })).data
        .rooms as { playback_idx_url: string }[];
      const idxUrl = rooms[0]!.playback_idx_url;
      expect(idxUrl.startsWith(`http://${host}/storage/playback/`)).toBe(true);
      const idx = await fetch(idxUrl);
      expect(idx.status).toBe(200);
      expect(((await idx.json()) as { course: { roomnum: number } }).course.roomnum).toBe(demo.replayRoomnum);

      // The console (tRPC with this request's Host): the recording plays from this port.
      const { secret } = await loginConsole(ctx, { id: DEMO_TEACHER, pwd, ip: '10.0.0.1' });
      const api = callerFor(ctx, secret, { headers: { host, origin: `http://${host}` } }).api;
      const view = await api.playback.view({ roomnum: demo.replayRoomnum });
      const videoUrl = view.segments[0]!.videoUrl;
      expect(videoUrl.startsWith(`http://${host}/storage/demo/`)).toBe(true);
      const video = await fetch(videoUrl);
      expect(video.status).toBe(200);
      expect((await video.arrayBuffer()).byteLength).toBe(
        fs.statSync(path.join(process.cwd(), 'e2e/fixtures/demo-clip.mp4')).size,
      );
      expect((await api.playback.review({ roomnum: demo.replayRoomnum })).index.url).toBe(idxUrl);
      const files = await api.courseware.list({ roomnum: 0 });
      const pdf = await fetch(files.files[0]!.url);
      expect([files.files[0]!.url.startsWith(`http://${host}/storage/demo/`), pdf.status]).toEqual([true, 200]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await closeServiceCtx(ctx);
    }
  });

  it('refuses a database that already has accounts or courses unless forced, writing nothing', async () => {
    const t = createTestDb();
    const env = loadEnv({ DATABASE_URL: t.url, STORAGE_DIR: path.join(t.dir, 'storage') });
    await inTransaction(t.db, (tx) =>
      rawWrite(tx, sql`INSERT INTO users (uid, pwd_hash, role, created_at) VALUES ('real_teacher', 'x', 1, 1)`),
    );
    const refused = await seedDemoData(env, 1_800_000_000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NotEmptyError);
    expect((refused as Error).message).toContain('--force');
    expect(await rawRows(t.db, sql`SELECT uid FROM users`)).toEqual([{ uid: 'real_teacher' }]);
    expect(await rawRows(t.db, sql`SELECT COUNT(*) AS n FROM courses`)).toEqual([{ n: 0 }]);
    expect(await seedDemoData(env, 1_800_000_000, { force: true })).not.toBeNull();
    expect((await rawRows(t.db, sql`SELECT COUNT(*) AS n FROM users WHERE uid = ${DEMO_TEACHER}`))[0]).toEqual({
      n: 1,
    });
  });

  it('writes a structurally valid PDF (xref offsets point at their objects)', () => {
    const pdf = tinyPdf('Hello').toString('latin1');
    const xrefAt = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...pdf.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((o, i) => expect(pdf.slice(o).startsWith(`${i + 1} 0 obj`)).toBe(true));
  });
});
