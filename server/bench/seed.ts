/**
 * Bench data, written straight into the (not yet served) database — SQLite or PostgreSQL — with the project's own schema and token
 * functions: one bench teacher and N students, each with its own legacy token (what `account/login` stores: the
 * SHA-256 of a fresh 256-bit secret), and a catalogue of courses by other teachers for roomlist. Password hashing is
 * done once and shared: logins are not what the bench measures, and N scrypts would dominate its runtime.
 */
import { authTokens, courses, users } from '../../db/schema';
import { inTransaction, type Db } from '../../db/client';
import { hashPassword } from '../services/passwords';
import { hashSecret, newSecret } from '../services/tokens';

export interface Account {
  uid: string;
  token: string;
}

export interface Seeded {
  teacher: Account;
  students: Account[];
  catalogue: number;
}

/** Fills an empty, migrated database (either engine) in one transaction; the caller opens and closes it. */
export async function seedDatabase(
  db: Db,
  opts: { appid: number; students: number; courses: number; nowS: number },
): Promise<Seeded> {
  const pwdHash = await hashPassword('YmVuY2g=');
  const now = opts.nowS;
  const teacher: Account = { uid: 'bench_teacher', token: newSecret() };
  const students: Account[] = Array.from({ length: opts.students }, (_, i) => ({
    uid: `bench_stu_${String(i).padStart(4, '0')}`,
    token: newSecret(),
  }));
  const hosts = Array.from({ length: 20 }, (_, i) => `bench_host_${String(i).padStart(2, '0')}`);
  const CHUNK = 500;
  await inTransaction(db, async (tx) => {
    const people = [
      { uid: teacher.uid, pwdHash, role: 1, createdAt: now },
      ...students.map((s) => ({ uid: s.uid, pwdHash, role: 0, createdAt: now })),
      ...hosts.map((uid) => ({ uid, pwdHash, role: 1, createdAt: now })),
    ];
    for (let i = 0; i < people.length; i += CHUNK) await tx.insert(users).values(people.slice(i, i + CHUNK));
    const tokens = [teacher, ...students].map((a) => ({
      tokenHash: hashSecret(a.token),
      kind: 'legacy' as const,
      uid: a.uid,
      appid: opts.appid,
      createdAt: now,
      lastUsedAt: now,
    }));
    for (let i = 0; i < tokens.length; i += CHUNK) await tx.insert(authTokens).values(tokens.slice(i, i + CHUNK));
    // A past catalogue: mostly ended courses, some not yet started, some with playback; spread over ~100 days.
    const rows = Array.from({ length: opts.courses }, (_, i) => {
      const createdAt = now - 100 * 86400 + Math.floor((i * 100 * 86400) / opts.courses);
      const kind = i % 10;
      const state = kind < 7 ? 2 : kind < 9 ? 0 : 3;
      const begun = state !== 0;
      const beginTime = begun ? createdAt + 600 : 0;
      return {
        appid: opts.appid,
        hostUid: hosts[i % hosts.length]!,
        title: `Course ${i} — 课程`,
        cover: i % 3 === 0 ? `https://example.com/cover/${i}.jpg` : '',
        state,
        createdAt,
        listTime: Math.max(createdAt, beginTime),
        beginTime,
        beginImseq: begun ? 1 : 0,
        endTime: begun ? beginTime + 2700 : 0,
        endImseq: begun ? 2 + (i % 7) : 0,
        playbackIdxUrl: state === 3 ? `https://example.com/playback/${i}.json` : '',
      };
    });
    for (let i = 0; i < rows.length; i += CHUNK) await tx.insert(courses).values(rows.slice(i, i + CHUNK));
  });
  return { teacher, students, catalogue: opts.courses };
}
