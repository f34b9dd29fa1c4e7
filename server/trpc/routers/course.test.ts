import { describe, expect, it } from 'vitest';
import { listCourseEvents } from '../../services/course-events';
import { getCourse } from '../../services/course-access';
import { reportMember } from '../../services/members';
import { createTestCtx, T0 } from '../../testing/test-ctx';
import { IM_MSG } from '../../integrations/im/types';
import { callerFor, codeOf, signedIn } from '../testing';

describe('course router', () => {
  it('creates, lists with counts, searches, filters by state and date, and pages on the server', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    await other.api.course.create({ title: 'Not mine: algebra' });
    const made: number[] = [];
    for (let i = 0; i < 12; i++) {
      ctx.clock.advance(60);
      made.push((await t.api.course.create({ title: i % 2 ? `Algebra ${i}` : `Physics ${i}` })).roomnum);
    }
    await t.api.course.start({ roomnum: made[0]! });
    await t.api.course.start({ roomnum: made[1]! });
    await t.api.course.end({ roomnum: made[1]! });

    const all = await t.api.course.list({ page: 1, pageSize: 5 });
    expect(all.total).toBe(12);
    expect(all.items).toHaveLength(5);
    expect(all.counts).toEqual({ '0': 10, '1': 1, '2': 1, '3': 0 });
    expect(all.items.every((c) => c.hostUid === 'teach1')).toBe(true);
    // Newest first by list time: the two started courses were (re)timed at their start.
    const page3 = await t.api.course.list({ page: 3, pageSize: 5 });
    expect(page3.items).toHaveLength(2);

    const algebra = await t.api.course.list({ q: 'ALGEBRA' });
    expect(algebra.total).toBe(6);
    expect(algebra.counts['0'] + algebra.counts['1'] + algebra.counts['2']).toBe(6);
    expect(algebra.items.every((c) => c.title.startsWith('Algebra'))).toBe(true);

    const live = await t.api.course.list({ state: 1 });
    expect(live.items.map((c) => c.roomnum)).toEqual([made[0]]);
    expect(live.counts['0']).toBe(10); // counts ignore the state filter, so every tab shows its number

    const early = await t.api.course.list({ from: T0, to: T0 + 60 * 4 }); // made[0], made[1] moved on start
    expect(early.items.map((c) => c.roomnum).sort()).toEqual([made[2], made[3]].sort());
    expect(await codeOf(t.api.course.list({ from: T0 + 10, to: T0 }))).toBe('BAD_REQUEST');
    expect(await codeOf(t.api.course.list({ pageSize: 51 }))).toBe('BAD_REQUEST');
  });

  it('edits title and cover only before the start, deletes only a course that never started', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'Draft' });
    expect((await t.api.course.update({ roomnum, title: 'Renamed' })).title).toBe('Renamed');
    expect((await t.api.course.byId({ roomnum })).title).toBe('Renamed');
    await t.api.course.start({ roomnum });
    expect(await codeOf(t.api.course.update({ roomnum, title: 'Late' }))).toBe('PRECONDITION_FAILED');
    expect(await codeOf(t.api.course.delete({ roomnum }))).toBe('PRECONDITION_FAILED');
    const d = await t.api.course.create({ title: 'Throwaway' });
    await t.api.course.delete({ roomnum: d.roomnum });
    expect(await codeOf(t.api.course.byId({ roomnum: d.roomnum }))).toBe('NOT_FOUND');
  });

  it('starts and ends with the same IM messages and events as live/startcourse and live/exitroom', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'Live one' });
    await t.api.course.start({ roomnum });
    expect(await codeOf(t.api.course.start({ roomnum }))).toBe('PRECONDITION_FAILED');
    ctx.clock.advance(120);
    await t.api.course.end({ roomnum });
    expect(await codeOf(t.api.course.end({ roomnum }))).toBe('PRECONDITION_FAILED');
    const c = await getCourse(ctx, roomnum);
    expect(c).toMatchObject({ state: 2, beginTime: T0, endTime: T0 + 120, indexStatus: 'pending' });
    const msgs = await ctx.im.groupMessages(String(roomnum), 1, 100);
    const types = msgs.messages.map(
      (m) => (JSON.parse(String(m.msgBody[0]!.MsgContent.Data)) as { type: number }).type,
    );
    expect(types).toEqual([IM_MSG.COURSE_STARTED, IM_MSG.COURSE_ENDED]);
    expect(c.beginImseq).toBe(1);
    expect(c.endImseq).toBe(2);
    expect((await listCourseEvents(ctx, roomnum)).map((e) => e.kind)).toEqual([
      'created',
      'started',
      'member_enter',
      'member_exit',
      'ended',
    ]);
  });

  it("never shows or changes another teacher's course: NOT_FOUND, exactly like a missing one", async () => {
    const ctx = createTestCtx();
    const owner = await signedIn(ctx, 'owner');
    const intruder = await signedIn(ctx, 'intruder');
    const { roomnum } = await owner.api.course.create({ title: 'Private' });
    const missing = roomnum + 1000;
    for (const id of [roomnum, missing]) {
      expect(await codeOf(intruder.api.course.byId({ roomnum: id }))).toBe('NOT_FOUND');
      expect(await codeOf(intruder.api.course.update({ roomnum: id, title: 'hacked' }))).toBe('NOT_FOUND');
      expect(await codeOf(intruder.api.course.delete({ roomnum: id }))).toBe('NOT_FOUND');
      expect(await codeOf(intruder.api.course.start({ roomnum: id }))).toBe('NOT_FOUND');
      expect(await codeOf(intruder.api.course.end({ roomnum: id }))).toBe('NOT_FOUND');
      expect(await codeOf(intruder.api.roster.live({ roomnum: id }))).toBe('NOT_FOUND');
      expect(await codeOf(intruder.api.courseware.list({ roomnum: id }))).toBe('NOT_FOUND');
      expect(await codeOf(intruder.api.courseware.unbind({ roomnum: id, url: 'http://x/y.pdf' }))).toBe('NOT_FOUND');
    }
    expect((await intruder.api.course.list({})).total).toBe(0);
    const c = await getCourse(ctx, roomnum);
    expect(c).toMatchObject({ title: 'Private', state: 0 });
  });

  it('students and anonymous callers cannot use teacher procedures', async () => {
    const ctx = createTestCtx();
    const owner = await signedIn(ctx, 'owner');
    const { roomnum } = await owner.api.course.create({ title: 'Class' });
    const stu = await signedIn(ctx, 'stu1', 0);
    expect(await codeOf(stu.api.course.list({}))).toBe('FORBIDDEN');
    expect(await codeOf(stu.api.course.create({ title: 'x' }))).toBe('FORBIDDEN');
    expect(await codeOf(stu.api.course.byId({ roomnum }))).toBe('FORBIDDEN');
    expect(await codeOf(stu.api.dashboard.home({}))).toBe('FORBIDDEN');
    const anon = callerFor(ctx, null);
    expect(await codeOf(anon.api.course.list({}))).toBe('UNAUTHORIZED');
    expect(await codeOf(anon.api.course.start({ roomnum }))).toBe('UNAUTHORIZED');
  });

  it('roster lists members with role, join time and heartbeat; another teacher gets NOT_FOUND', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    await signedIn(ctx, 'stu1', 0);
    const { roomnum } = await t.api.course.create({ title: 'Roster' });
    await t.api.course.start({ roomnum });
    ctx.clock.advance(30);
    await reportMember(ctx, { uid: 'stu1', role: 0, appid: ctx.env.SDKAPPID }, { roomnum, operate: 0, timeStamp: 1 });
    ctx.clock.advance(5);
    const r = await t.api.roster.live({ roomnum });
    expect(r).toMatchObject({ state: 1, beginTime: T0, now: T0 + 35, total: 2 });
    expect(r.members).toEqual([
      { uid: 'teach1', role: 1, joinedAt: T0, lastHeartbeat: T0, heartbeatAge: { minS: 25, maxS: 35 } },
      { uid: 'stu1', role: 0, joinedAt: T0 + 30, lastHeartbeat: T0 + 30, heartbeatAge: { minS: 0, maxS: 5 } },
    ]);
    await reportMember(ctx, { uid: 'stu1', role: 0, appid: ctx.env.SDKAPPID }, { roomnum, operate: 1, timeStamp: 2 });
    expect((await t.api.roster.live({ roomnum })).total).toBe(1);
  });
});
