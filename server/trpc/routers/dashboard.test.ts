import { describe, expect, it } from 'vitest';
import { dailyStats, localDay } from '../../console/dashboard';
import { reportMember } from '../../services/members';
import { recordRecording } from '../../services/recordings';
import { createTestCtx, T0 } from '../../testing/test-ctx';
import { signedIn } from '../testing';
import { eq } from 'drizzle-orm';
import { inTransaction } from '../../../db/client';
import { courses } from '../../../db/schema';

describe('dashboard router', () => {
  it('shows live courses, drafts, recent playback and 30 days of minutes and attendance', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    await other.api.course.create({ title: 'Not mine' });
    await signedIn(ctx, 'stu1', 0);
    await signedIn(ctx, 'stu2', 0);
    const stu = (uid: string) => ({ uid, role: 0, appid: ctx.env.SDKAPPID });

    const past = await t.api.course.create({ title: 'Yesterday' });
    await t.api.course.start({ roomnum: past.roomnum });
    await reportMember(ctx, stu('stu1'), { roomnum: past.roomnum, operate: 0, timeStamp: 1 });
    await reportMember(ctx, stu('stu2'), { roomnum: past.roomnum, operate: 0, timeStamp: 1 });
    await reportMember(ctx, stu('stu2'), { roomnum: past.roomnum, operate: 1, timeStamp: 1 });
    await reportMember(ctx, stu('stu2'), { roomnum: past.roomnum, operate: 0, timeStamp: 1 }); // counted once
    ctx.clock.advance(45 * 60);
    await t.api.course.end({ roomnum: past.roomnum });
    // Ready replays need a recording too (playback-status.ts); live-class.test.ts checks one without is left out.
    await recordRecording(ctx, {
      stream_param: `groupid=${past.roomnum}&userid=${Buffer.from('teach1').toString('base64')}`,
      file_id: 'f1',
      video_id: 'v1',
      video_url: 'http://localhost:3000/storage/rec/clip.mp4',
      start_time: T0 + 60,
      end_time: T0 + 600,
      media_start_time: 0,
      file_size: 1000,
      duration: 540,
    });
    await inTransaction(ctx.db, async (tx) => {
      await tx.update(courses).set({ state: 3, indexStatus: 'ready' }).where(eq(courses.roomnum, past.roomnum));
    });

    ctx.clock.advance(86400);
    const live = await t.api.course.create({ title: 'Now' });
    await t.api.course.start({ roomnum: live.roomnum });
    await t.api.course.create({ title: 'Draft A' });
    ctx.clock.advance(10 * 60);

    const home = await t.api.dashboard.home({ eastMin: 0 });
    expect(home.live.map((c) => c.title)).toEqual(['Now']);
    expect(home.live[0]!.memsize).toBe(1);
    expect(home.drafts.map((c) => c.title)).toEqual(['Draft A']);
    expect(home.recentPlayback.map((c) => c.title)).toEqual(['Yesterday']);
    expect(home.days).toHaveLength(30);
    const today = home.days[29]!;
    const yesterday = home.days[28]!;
    expect(today).toEqual({ day: localDay(T0 + 86400 + 45 * 60 + 600, 0), teachingMinutes: 10, attendance: 0 });
    expect(yesterday).toMatchObject({ teachingMinutes: 45, attendance: 2 });
  });

  it("buckets by the browser's day", () => {
    // 23:30 UTC is the next morning in China.
    const t = Date.UTC(2027, 0, 1, 23, 30) / 1000;
    expect(localDay(t, 0)).toBe('2027-01-01');
    expect(localDay(t, 480)).toBe('2027-01-02');
    const days = dailyStats([{ beginTime: t, endTime: t + 3600, students: 3 }], t + 7200, 480, 3);
    expect(days).toEqual([
      { day: '2026-12-31', teachingMinutes: 0, attendance: 0 },
      { day: '2027-01-01', teachingMinutes: 0, attendance: 0 },
      { day: '2027-01-02', teachingMinutes: 60, attendance: 3 },
    ]);
  });

  it("counts each live course's own members, not everyone in any room", async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    for (const uid of ['s1', 's2', 's3']) await signedIn(ctx, uid, 0);
    const stu = (uid: string) => ({ uid, role: 0, appid: ctx.env.SDKAPPID });
    const mine = await t.api.course.create({ title: 'Mine' });
    await t.api.course.start({ roomnum: mine.roomnum });
    const theirs = await other.api.course.create({ title: 'Theirs' });
    await other.api.course.start({ roomnum: theirs.roomnum });
    for (const uid of ['s1', 's2', 's3'])
      await reportMember(ctx, stu(uid), { roomnum: theirs.roomnum, operate: 0, timeStamp: 1 });
    await reportMember(ctx, stu('s1'), { roomnum: mine.roomnum, operate: 0, timeStamp: 1 });
    const home = await t.api.dashboard.home({ eastMin: 0 });
    expect(home.live.map((c) => [c.title, c.memsize])).toEqual([['Mine', 2]]); // the teacher and s1
  });
});
