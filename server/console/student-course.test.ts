/** What an invite link shows a student: the course card, and playback only when getViewablePlayback allows it. */
import { describe, expect, it } from 'vitest';
import { createAccount } from '../services/accounts';
import { createCourse, endCourse, startCourse } from '../services/courses';
import { reportMember } from '../services/members';
import { setPlaybackPublished } from '../services/playback-access';
import { recordRecording } from '../services/recordings';
import type { Caller } from '../services/schemas';
import { studentCourseCard } from './student-course';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { taughtCourse, asTeacher } from '../services/course-access';

describe('studentCourseCard', () => {
  it('shows draft, live and ended courses; canWatch only for an attending student of a published playback', async () => {
    const ctx = createTestCtx();
    await createAccount(ctx, { id: 'teach', pwd: 'cHdk', role: 1 });
    await createAccount(ctx, { id: 'stu', pwd: 'cHdk', role: 0 });
    await createAccount(ctx, { id: 'stranger', pwd: 'cHdk', role: 0 });
    const t = asTeacher({ uid: 'teach', role: 1, appid: ctx.env.SDKAPPID });
    const s: Caller = { uid: 'stu', role: 0, appid: ctx.env.SDKAPPID };
    const x: Caller = { uid: 'stranger', role: 0, appid: ctx.env.SDKAPPID };
    const { roomnum } = await createCourse(ctx, t, { title: 'Geometry', plannedStart: T0 + 3600, plannedMinutes: 50 });
    expect(await studentCourseCard(ctx, s, roomnum)).toEqual({
      roomnum,
      title: 'Geometry',
      hostUid: 'teach',
      state: 0,
      createdAt: T0,
      beginTime: 0,
      endTime: 0,
      plannedStart: T0 + 3600,
      plannedMinutes: 50,
      canWatch: false,
    });
    await startCourse(ctx, await taughtCourse(ctx, t, roomnum), { timeStamp: T0 });
    await reportMember(ctx, s, { roomnum, operate: 0, timeStamp: T0 });
    expect((await studentCourseCard(ctx, s, roomnum)).state).toBe(1);
    ctx.clock.advance(60);
    await endCourse(ctx, await taughtCourse(ctx, t, roomnum), { timeStamp: T0 + 60 });
    expect((await studentCourseCard(ctx, s, roomnum)).canWatch).toBe(false); // not published yet
    // Only a course with a recording can be published (playback-status.ts).
    await recordRecording(ctx, {
      stream_param: `groupid=${roomnum}&userid=${Buffer.from('teach').toString('base64')}`,
      file_id: 'f1',
      video_id: 'v1',
      video_url: 'https://1253.vod2.myqcloud.com/abc/f1.mp4',
      start_time: T0 + 5,
      end_time: T0 + 55,
      media_start_time: 0,
      file_size: 10,
      duration: 50,
    });
    await setPlaybackPublished(ctx, await taughtCourse(ctx, t, roomnum), { published: true });
    expect((await studentCourseCard(ctx, s, roomnum)).canWatch).toBe(true);
    expect((await studentCourseCard(ctx, x, roomnum)).canWatch).toBe(false); // never attended
    await expect(studentCourseCard(ctx, s, roomnum + 1)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
    await expect(studentCourseCard(ctx, { ...s, appid: s.appid + 1 }, roomnum)).rejects.toMatchObject({
      code: 'ROOM_NOT_FOUND',
    });
  });
});
