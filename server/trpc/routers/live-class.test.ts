/**
 * Issue 8 through the console API with a fixed clock: the open course page keeps its class alive (course.beat, the
 * legacy heartbeat's rule) across sweeper runs, and the end reason is told apart; "replay ready" needs a recording
 * (one playback status everywhere, publishing refused without one); the roster's heartbeat ages are honest bounds
 * despite write coalescing, teachers are counted apart from students, and comings and goings are listed newest first.
 */
import { describe, expect, it } from 'vitest';
import { buildPlaybackIndexes } from '../../jobs/build-playback-index';
import { sweepDeadRooms } from '../../jobs/sweep-dead-rooms';
import { recordHeartbeat, reportMember } from '../../services/members';
import { recordRecording } from '../../services/recordings';
import { createTestCtx } from '../../testing/test-ctx';
import { errOf, signedIn } from '../testing';

const COURSE_DEAD_S = 300;
const env = { COURSE_DEAD_S: String(COURSE_DEAD_S), MEMBER_DEAD_S: '120', REPLAY_INDEX_DELAY_S: '0' };

describe('course.beat: the open course page keeps the class alive', () => {
  it('a beating page outlives COURSE_DEAD_S; a closed one is swept, and each says why it ended', async () => {
    const ctx = createTestCtx(env);
    const t = await signedIn(ctx, 'teach1');
    const kept = await t.api.course.create({ title: 'Kept' });
    const closed = await t.api.course.create({ title: 'Closed' });
    await t.api.course.start({ roomnum: kept.roomnum });
    await t.api.course.start({ roomnum: closed.roomnum });
    const begin = ctx.clock.nowS();

    // The page beats every nextBeatS (30 s, at most a third of COURSE_DEAD_S) for twice the dead limit.
    const first = await t.api.course.beat({ roomnum: kept.roomnum });
    expect(first).toEqual({ state: 1, nextBeatS: 30 });
    while (ctx.clock.nowS() < begin + 2 * COURSE_DEAD_S) {
      ctx.clock.advance(first.nextBeatS);
      await t.api.course.beat({ roomnum: kept.roomnum });
      await sweepDeadRooms(ctx);
    }
    expect((await t.api.course.byId({ roomnum: kept.roomnum })).state).toBe(1);

    const swept = await t.api.course.byId({ roomnum: closed.roomnum });
    expect(swept.state).toBe(2);
    // Swept at the first run past the limit: the teacher had been silent a little over COURSE_DEAD_S.
    expect(swept.ending).toMatchObject({ reason: 'timeout' });
    const silentS = swept.ending?.reason === 'timeout' ? swept.ending.silentS : null;
    expect(silentS).toBeGreaterThan(COURSE_DEAD_S);
    expect(silentS).toBeLessThanOrEqual(COURSE_DEAD_S + 30);

    // Nothing to beat once it ended: the answer says so, and the sweeper leaves it alone.
    expect((await t.api.course.beat({ roomnum: closed.roomnum })).state).toBe(2);

    await t.api.course.end({ roomnum: kept.roomnum });
    expect((await t.api.course.byId({ roomnum: kept.roomnum })).ending).toEqual({
      reason: 'teacher',
      at: ctx.clock.nowS(),
    });

    // The playback timeline tells the two endings apart.
    const endOf = async (roomnum: number) =>
      (await t.api.playback.view({ roomnum })).timeline.find((i) => i.kind === 'end');
    expect(await endOf(kept.roomnum)).toMatchObject({ reason: 'teacher', silentS: null });
    expect(await endOf(closed.roomnum)).toMatchObject({ reason: 'timeout', silentS });
  });

  it('without the page the course is swept at COURSE_DEAD_S; only its own teacher may beat', async () => {
    const ctx = createTestCtx(env);
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    const stu = await signedIn(ctx, 'stu1', 0);
    const { roomnum } = await t.api.course.create({ title: 'Alone' });
    await t.api.course.start({ roomnum });
    expect((await errOf(other.api.course.beat({ roomnum }))).code).toBe('NOT_FOUND');
    expect((await errOf(stu.api.course.beat({ roomnum }))).code).toBe('FORBIDDEN');
    expect((await errOf(t.api.course.beat({ roomnum: roomnum + 999 }))).code).toBe('NOT_FOUND');
    ctx.clock.advance(COURSE_DEAD_S - 10);
    await t.api.course.beat({ roomnum });
    ctx.clock.advance(COURSE_DEAD_S - 10);
    expect((await sweepDeadRooms(ctx)).coursesEnded).toEqual([]);
    ctx.clock.advance(20);
    expect((await sweepDeadRooms(ctx)).coursesEnded).toEqual([roomnum]);
  });

  it('beats faster when COURSE_DEAD_S is short', async () => {
    const ctx = createTestCtx({ COURSE_DEAD_S: '9', MEMBER_DEAD_S: '120' });
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'Quick' });
    await t.api.course.start({ roomnum });
    expect((await t.api.course.beat({ roomnum })).nextBeatS).toBe(3);
  });
});

describe('playback status: ready means an index and a recording', () => {
  it('just ended without a recording: waiting for it until RECORDING_WAIT_S has passed, then none', async () => {
    const ctx = createTestCtx({ ...env, RECORDING_WAIT_S: '600' });
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'Just ended' });
    await t.api.course.start({ roomnum });
    ctx.clock.advance(300);
    await t.api.course.end({ roomnum });
    for (const p of [
      (await t.api.course.byId({ roomnum })).playback,
      (await t.api.playback.review({ roomnum })).playback,
      (await t.api.playback.view({ roomnum })).playback,
      (await t.api.course.list({})).items[0]!.playback,
    ])
      expect(p).toBe('waiting');
    // Nothing to publish yet either.
    expect((await errOf(t.api.playback.setPublished({ roomnum, published: true }))).appCode).toBe('NO_RECORDING');
    ctx.clock.advance(599);
    expect((await t.api.course.byId({ roomnum })).playback).toBe('waiting');
    ctx.clock.advance(1);
    expect((await t.api.course.byId({ roomnum })).playback).toBe('none');
  });

  it('a recording arriving while waiting makes it pending, then ready', async () => {
    const ctx = createTestCtx({ ...env, RECORDING_WAIT_S: '600' });
    const t = await signedIn(ctx, 'teach1');
    const { roomnum } = await t.api.course.create({ title: 'Late notice' });
    await t.api.course.start({ roomnum });
    ctx.clock.advance(300);
    await t.api.course.end({ roomnum });
    ctx.clock.advance(120);
    expect((await t.api.course.byId({ roomnum })).playback).toBe('waiting');
    const now = ctx.clock.nowS();
    await recordRecording(ctx, {
      stream_param: `groupid=${roomnum}&userid=${Buffer.from('teach1').toString('base64')}`,
      file_id: 'f-late',
      video_id: 'v-late',
      video_url: 'http://localhost:3000/storage/rec/late.mp4',
      start_time: now - 420,
      end_time: now - 130,
      media_start_time: 0,
      file_size: 1000,
      duration: 290,
    });
    expect((await t.api.course.byId({ roomnum })).playback).toBe('pending');
    await buildPlaybackIndexes(ctx);
    expect((await t.api.course.byId({ roomnum })).playback).toBe('ready');
  });

  async function endedCourses() {
    const ctx = createTestCtx(env);
    const t = await signedIn(ctx, 'teach1');
    const bare = await t.api.course.create({ title: 'No recording' });
    const recorded = await t.api.course.create({ title: 'Recorded' });
    for (const c of [bare, recorded]) {
      await t.api.course.start({ roomnum: c.roomnum });
      ctx.clock.advance(600);
      await t.api.course.end({ roomnum: c.roomnum });
    }
    const now = ctx.clock.nowS();
    const rec = await recordRecording(ctx, {
      stream_param: `groupid=${recorded.roomnum}&userid=${Buffer.from('teach1').toString('base64')}`,
      file_id: 'f1',
      video_id: 'v1',
      video_url: 'http://localhost:3000/storage/rec/clip.mp4',
      start_time: now - 590,
      end_time: now - 10,
      media_start_time: 0,
      file_size: 1000,
      duration: 580,
    });
    expect(rec.stored).toBe(true);
    return { ctx, t, bare: bare.roomnum, recorded: recorded.roomnum };
  }

  it('before indexing: pending with a recording, none without; after: ready only with one', async () => {
    const { ctx, t, bare, recorded } = await endedCourses();
    ctx.clock.advance(ctx.env.RECORDING_WAIT_S);
    expect((await t.api.course.byId({ roomnum: bare })).playback).toBe('none');
    expect((await t.api.course.byId({ roomnum: recorded })).playback).toBe('pending');

    await buildPlaybackIndexes(ctx);
    // The index job made both state 3; only the recorded one is a ready replay.
    const list = await t.api.course.list({});
    const byRoom = new Map(list.items.map((c) => [c.roomnum, c]));
    expect(byRoom.get(bare)).toMatchObject({ state: 3, playback: 'none' });
    expect(byRoom.get(recorded)).toMatchObject({ state: 3, playback: 'ready' });
    expect((await t.api.course.byId({ roomnum: bare })).playback).toBe('none');
    // The list's tabs follow the same rule: "replay ready" holds only the recorded one, "ended" the other.
    expect(list.counts).toEqual({ '0': 0, '1': 0, '2': 1, '3': 1 });
    expect((await t.api.course.list({ state: 3 })).items.map((c) => c.roomnum)).toEqual([recorded]);
    expect((await t.api.course.list({ state: 2 })).items.map((c) => c.roomnum)).toEqual([bare]);
    expect((await t.api.course.list({ state: 2, q: 'recording' })).total).toBe(1);
    expect((await t.api.playback.review({ roomnum: bare })).playback).toBe('none');
    expect((await t.api.playback.view({ roomnum: bare })).playback).toBe('none');
    expect((await t.api.playback.review({ roomnum: recorded })).playback).toBe('ready');

    const home = await t.api.dashboard.home({ eastMin: 0 });
    expect(home.recentPlayback.map((c) => [c.roomnum, c.playback])).toEqual([[recorded, 'ready']]);
  });

  it('publishing a course without a recording is refused; withdrawing is not', async () => {
    const { ctx, t, bare, recorded } = await endedCourses();
    await buildPlaybackIndexes(ctx);
    const e = await errOf(t.api.playback.setPublished({ roomnum: bare, published: true }));
    expect(e).toMatchObject({ code: 'PRECONDITION_FAILED', appCode: 'NO_RECORDING' });
    expect((await t.api.playback.review({ roomnum: bare })).published).toBe(false);
    expect(await t.api.playback.setPublished({ roomnum: bare, published: false })).toEqual({
      published: false,
      audience: 'attendees',
    });
    expect(await t.api.playback.setPublished({ roomnum: recorded, published: true })).toEqual({
      published: true,
      audience: 'attendees',
    });
  });
});

describe('roster: honest heartbeat ages, teachers apart, comings and goings', () => {
  it('answers the age of the last beat as bounds that hold despite coalesced writes', async () => {
    const ctx = createTestCtx(env); // MEMBER_DEAD_S 120 → beats write at most every 10 s
    const t = await signedIn(ctx, 'teach1');
    await signedIn(ctx, 'stu1', 0);
    await signedIn(ctx, 'stu2', 0);
    const stu = (uid: string) => ({ uid, role: 0, appid: ctx.env.SDKAPPID });
    const { roomnum } = await t.api.course.create({ title: 'Roster' });
    await t.api.course.start({ roomnum });
    await reportMember(ctx, stu('stu1'), { roomnum, operate: 0, timeStamp: 1 });
    const joined = ctx.clock.nowS();

    ctx.clock.advance(3);
    await recordHeartbeat(ctx, stu('stu1'), roomnum); // coalesced: nothing written
    ctx.clock.advance(2);
    let r = await t.api.roster.live({ roomnum });
    let row = r.members.find((m) => m.uid === 'stu1')!;
    expect(r.heartbeatGranularityS).toBe(10);
    expect(row.lastHeartbeat).toBe(joined); // the stored beat is 5 s old…
    expect(row.heartbeatAge).toEqual({ minS: 0, maxS: 5 }); // …the real one 2 s: inside the bounds
    const trueAge = () => ctx.clock.nowS() - lastBeat;
    let lastBeat = joined + 3;
    expect(trueAge()).toBeGreaterThanOrEqual(row.heartbeatAge.minS);
    expect(trueAge()).toBeLessThanOrEqual(row.heartbeatAge.maxS);

    ctx.clock.advance(7);
    await recordHeartbeat(ctx, stu('stu1'), roomnum); // 12 s after the stored one: written
    ctx.clock.advance(9);
    await recordHeartbeat(ctx, stu('stu1'), roomnum); // 9 s: coalesced
    lastBeat = ctx.clock.nowS();
    ctx.clock.advance(14); // silent since
    r = await t.api.roster.live({ roomnum });
    row = r.members.find((m) => m.uid === 'stu1')!;
    expect(row.heartbeatAge).toEqual({ minS: 13, maxS: 23 });
    expect(trueAge()).toBeGreaterThanOrEqual(row.heartbeatAge.minS);
    expect(trueAge()).toBeLessThanOrEqual(row.heartbeatAge.maxS);
  });

  it('counts the teacher apart and lists joins, leaves and timeouts newest first', async () => {
    const ctx = createTestCtx(env);
    const t = await signedIn(ctx, 'teach1');
    const stu = (uid: string) => ({ uid, role: 0, appid: ctx.env.SDKAPPID });
    for (const s of ['stu1', 'stu2', 'stu3']) await signedIn(ctx, s, 0);
    const { roomnum } = await t.api.course.create({ title: 'Feed' });
    await t.api.course.start({ roomnum });
    const begin = ctx.clock.nowS();
    ctx.clock.advance(10);
    await reportMember(ctx, stu('stu1'), { roomnum, operate: 0, timeStamp: 1 });
    ctx.clock.advance(10);
    await reportMember(ctx, stu('stu2'), { roomnum, operate: 0, timeStamp: 1 });
    ctx.clock.advance(10);
    await reportMember(ctx, stu('stu3'), { roomnum, operate: 0, timeStamp: 1 });
    ctx.clock.advance(10);
    await reportMember(ctx, stu('stu2'), { roomnum, operate: 1, timeStamp: 1 });
    // stu1 goes silent after joining; the teacher's page keeps beating; stu3 keeps beating.
    for (let i = 0; i < 5; i++) {
      ctx.clock.advance(30);
      await t.api.course.beat({ roomnum });
      await recordHeartbeat(ctx, stu('stu3'), roomnum);
      await sweepDeadRooms(ctx);
    }

    const r = await t.api.roster.live({ roomnum });
    expect(r.total).toBe(2);
    expect(r.counts).toEqual({ teachers: 1, students: 1 });
    expect(r.moves.map((m) => [m.kind, m.uid, m.at - begin])).toEqual([
      ['timeout', 'stu1', 10], // dated at its last heartbeat (its join)
      ['leave', 'stu2', 40],
      ['join', 'stu3', 30],
      ['join', 'stu2', 20],
      ['join', 'stu1', 10],
      ['join', 'teach1', 0],
    ]);
  });
});
