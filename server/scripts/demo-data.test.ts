import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { loadEnv } from '../env';
import { tempDir } from '../testing/test-db';
import { DEMO_TEACHER, seedDemoData, tinyPdf } from './demo-data';

describe('npm run demo-data', () => {
  it('fills a fresh database with courses in every state, a recording and a valid ready playback index', async () => {
    const dir = tempDir();
    const env = loadEnv({ DATABASE_URL: path.join(dir, 'edu.db'), STORAGE_DIR: path.join(dir, 'storage'), PUBLIC_BASE_URL: 'http://127.0.0.1:9' });
    const now = 1_800_000_000;
    const demo = await seedDemoData(env, now);
    expect(demo).not.toBeNull();
    const db = openDb(path.join(dir, 'edu.db'));
    const states = db.$client.prepare('SELECT state, COUNT(*) AS n FROM courses GROUP BY state ORDER BY state').all() as { state: number; n: number }[];
    expect(states.map((s) => s.state)).toEqual([0, 1, 2, 3]);
    const teacher = db.$client.prepare('SELECT role, pwd_hash FROM users WHERE uid = ?').get(DEMO_TEACHER) as { role: number; pwd_hash: string };
    expect(teacher.role).toBe(1);
    expect(teacher.pwd_hash).toMatch(/^scrypt\$/);
    expect(teacher.pwd_hash).not.toContain(Buffer.from(demo!.password).toString('base64'));

    const replay = db.$client.prepare('SELECT state, playback_idx_url, playback_published FROM courses WHERE roomnum = ?').get(demo!.replayRoomnum) as {
      state: number;
      playback_idx_url: string;
      playback_published: number;
    };
    expect(replay.state).toBe(3);
    expect(replay.playback_published).toBe(1);
    const key = replay.playback_idx_url.replace('http://127.0.0.1:9/storage/', '');
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'storage', key), 'utf8')) as { recordings: { video_url: string }[] };
    const schema = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'docs', 'playback-index.schema.json'), 'utf8')) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(index), JSON.stringify(validate.errors)).toBe(true);
    expect(index.recordings).toHaveLength(1);
    const clipKey = index.recordings[0]!.video_url.replace('http://127.0.0.1:9/storage/', '');
    expect(fs.statSync(path.join(dir, 'storage', clipKey)).size).toBe(fs.statSync(path.join(process.cwd(), 'e2e/fixtures/demo-clip.mp4')).size);

    // Attendance exists for the replay course; running again changes nothing.
    const enters = db.$client.prepare("SELECT COUNT(*) AS n FROM course_events WHERE roomnum = ? AND kind = 'member_enter'").get(demo!.replayRoomnum) as { n: number };
    expect(enters.n).toBe(7);
    expect(await seedDemoData(env, now)).toBeNull();
  });

  it('writes a structurally valid PDF (xref offsets point at their objects)', () => {
    const pdf = tinyPdf('Hello').toString('latin1');
    const xrefAt = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...pdf.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((o, i) => expect(pdf.slice(o).startsWith(`${i + 1} 0 obj`)).toBe(true));
  });
});
