/**
 * Issue 17 item 6 over real HTTP, through every door a student uses to reach a replay: the console's watch page
 * (`playback.view`) and replay list (`playback.shared`), the app's `live/roomlist` (playback_idx_url) and
 * `vod/cmd_proxy` (the recording's file). A lesson attended by stu1 only; stu2 is on the teacher's class list but was
 * absent; stu3 is on no list. Published to attendees, only stu1 gets in; published to the whole class list, stu2 too;
 * narrowed back, stu2 is out again; stu3 never. The teacher works the console as a browser would.
 */
import { describe, expect, it } from 'vitest';
import { buildPlaybackIndexes } from '../jobs/build-playback-index';
import { doorsServersPerTest, type DoorsTestServer } from '../testing/doors-server';
import { md5, recordingCallback } from '../testing/playback-fixtures';
import { SESSION_COOKIE } from './session-cookie';
import { clientPwd } from './testing';

const startServer = doorsServersPerTest();
const CB_KEY = 'audience-callback-key';
const PWD = clientPwd('pass');

/** Registers on the legacy door, then logs in on both: the app's token and the console's session cookie. */
async function account(s: DoorsTestServer, id: string, role: 0 | 1): Promise<{ token: string; cookie: string }> {
  expect((await s.legacy('account/regist', { id, pwd: PWD, role })).errorCode).toBe(0);
  const login = await s.legacy('account/login', { id, pwd: PWD });
  const token = (login.data as { token: string }).token;
  const r = await s.mutate('auth.login', { id, pwd: PWD });
  expect(r.status).toBe(200);
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
  return { token, cookie: cookie.split(';')[0]! };
}

describe('publishing a replay to attendees or to the whole class list', () => {
  it('an absent class-list student gets the replay through every door with the class list, not with attendees; a stranger never', async () => {
    const { ctx, s } = await startServer({ REPLAY_INDEX_DELAY_S: '0', LIVE_CALLBACK_KEY: CB_KEY });
    const teacher = await account(s, 'teacher1', 1);
    const students = {
      stu1: await account(s, 'stu1', 0),
      stu2: await account(s, 'stu2', 0),
      stu3: await account(s, 'stu3', 0),
    };

    // The lesson, from the app: stu1 attends; then Tencent's recording notice and the index job.
    const ok = async (svcCmd: string, body: Record<string, unknown>) => {
      const r = await s.legacy(svcCmd, body);
      expect(r.errorCode, `${svcCmd}: ${r.errorInfo}`).toBe(0);
      return r.data as Record<string, unknown>;
    };
    const roomnum = (await ok('live/create', { token: teacher.token, title: 'Fractions' })).roomnum as number;
    await ok('live/startcourse', { token: teacher.token, roomnum });
    ctx.clock.advance(10);
    await ok('live/reportmemid', { token: students.stu1.token, roomnum, operate: 0 });
    ctx.clock.advance(600);
    await ok('live/exitroom', { token: teacher.token, roomnum });
    const end = ctx.clock.nowS();
    const cb = recordingCallback(roomnum, 'teacher1', { start_time: end - 600, end_time: end, duration: 600 });
    const t = end + 600;
    expect(await s.legacy('live/recendcall', { ...cb, t, sign: md5(CB_KEY + t) })).toEqual({ code: 0 });
    expect((await buildPlaybackIndexes(ctx)).built).toEqual([roomnum]);

    // The teacher's class list, through the console: stu2 (who missed the class).
    const add = await s.mutate('classList.add', { ids: ['stu2'] }, { cookie: teacher.cookie });
    expect(add.body.result?.data).toEqual([{ id: 'stu2', result: 'added' }]);

    const get = async (path: string, input: unknown, cookie: string) => {
      const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      const r = await fetch(`${s.url}/api/trpc/${path}${q}`, { headers: { cookie } });
      return { status: r.status, body: (await r.json()) as { result?: { data: unknown } } };
    };
    const fileId = cb.file_id as string;
    /** What each door gives `who` of this replay. */
    const sees = async (who: { token: string; cookie: string }) => {
      const view = await get('playback.view', { roomnum }, who.cookie);
      const shared = (await get('playback.shared', undefined, who.cookie)).body.result?.data as { roomnum: number }[];
      const rooms = (await ok('live/roomlist', { token: who.token, index: 0, size: 10, roomnum })).rooms as {
        playback_idx_url: string;
      }[];
      const vod = (await ok('vod/cmd_proxy', {
        token: who.token,
        method: 'GET',
        host: 'vod.api.qcloud.com',
        path: '/v2/index.php',
        params: { Action: 'DescribeVodInfo', pageSize: 100 },
      })) as { fileSet?: { fileId: string }[] };
      return {
        view: view.status === 200 ? 'ok' : view.status,
        shared: shared.some((p) => p.roomnum === roomnum),
        roomlist: rooms[0]!.playback_idx_url !== '',
        vod: (vod.fileSet ?? []).some((f) => f.fileId === fileId),
      };
    };
    const yes = { view: 'ok', shared: true, roomlist: true, vod: true };
    const no = { view: 404, shared: false, roomlist: false, vod: false };

    // Unpublished: nobody but the teacher (roomlist pages are now cached for this data version).
    for (const who of Object.values(students)) expect(await sees(who)).toEqual(no);
    // The teacher reaches it everywhere (the student page's list holds published replays only).
    expect(await sees(teacher)).toEqual({ ...yes, shared: false });

    const publish = (input: Record<string, unknown>) =>
      s.mutate('playback.setPublished', { roomnum, ...input }, { cookie: teacher.cookie });
    const review = async () =>
      (await get('playback.review', { roomnum }, teacher.cookie)).body.result?.data as {
        published: boolean;
        audience: string;
        reach: Record<string, number>;
      };
    expect(await review()).toMatchObject({
      published: false,
      audience: 'attendees',
      reach: { attendees: 1, class: 2 },
    });

    // Attendees only (the default): stu1.
    expect((await publish({ published: true })).body.result?.data).toEqual({ published: true, audience: 'attendees' });
    expect(await sees(students.stu1)).toEqual(yes);
    expect(await sees(students.stu2)).toEqual(no);
    expect(await sees(students.stu3)).toEqual(no);

    // The whole class list: stu2 too, though absent; stu3 still not.
    expect((await publish({ published: true, audience: 'class' })).body.result?.data).toEqual({
      published: true,
      audience: 'class',
    });
    expect(await review()).toMatchObject({ published: true, audience: 'class' });
    expect(await sees(students.stu1)).toEqual(yes);
    expect(await sees(students.stu2)).toEqual(yes);
    expect(await sees(students.stu3)).toEqual(no);

    // Back to attendees only: stu2 loses every door again.
    expect((await publish({ published: true, audience: 'attendees' })).body.result?.data).toEqual({
      published: true,
      audience: 'attendees',
    });
    expect(await sees(students.stu2)).toEqual(no);
    expect(await sees(students.stu1)).toEqual(yes);

    // An audience that does not exist is a clear input error, and changes nothing.
    const bad = await publish({ published: true, audience: 'everyone' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.data.code).toBe('BAD_REQUEST');
    expect(await review()).toMatchObject({ published: true, audience: 'attendees' });
    // A student cannot set it.
    const stuTry = await s.mutate(
      'playback.setPublished',
      { roomnum, published: true, audience: 'class' },
      { cookie: students.stu2.cookie },
    );
    expect(stuTry.status).toBe(403);
    expect(await sees(students.stu2)).toEqual(no);
  });
});
