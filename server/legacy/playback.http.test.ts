/**
 * End to end over HTTP: a lesson through the protocol → the recording callback sent twice → the index job on a fixed
 * clock past REPLAY_INDEX_DELAY_S → roomlist shows state 3 with a playback_idx_url whose JSON, fetched over HTTP,
 * lists exactly one recording and the course's messages. Run twice: all-local (the index served by /storage/ with
 * ranges), and all-Tencent (IM and COS through the real providers against the loopback fakes, which verify every
 * signature).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imMessages } from '../../db/schema';
import { buildPlaybackIndexes } from '../jobs/build-playback-index';
import { setPlaybackPublished } from '../services/playback-access';
import type { PlaybackIndex } from '../services/playback-index';
import { startStorageTestServer } from '../storage-http/testing';
import { startFakeCosServer, type FakeCosServer } from '../testing/fake-cos-server';
import { startFakeImServer, type FakeImServer } from '../testing/fake-im-server';
import { assertValidPlaybackIndex, md5, recordingCallback } from '../testing/playback-fixtures';
import { taughtCourse } from '../services/course-access';

type Server = Awaited<ReturnType<typeof startStorageTestServer>>;
interface Reply<T = Record<string, unknown>> {
  errorCode: number;
  errorInfo: string;
  data?: T;
}
interface Room {
  state: number;
  roomnum: number;
  playback_idx_url: string;
  begin_imseq: number;
  end_imseq: number;
}

const DELAY = 300;
const CB_KEY = 'e2e-callback-key';

const modes: [
  string,
  () => Promise<{ env: Record<string, string>; fakes: { cos?: FakeCosServer; im?: FakeImServer } }>,
][] = [
  ['local', async () => ({ env: {}, fakes: {} })],
  [
    'tencent',
    async () => {
      const cos = await startFakeCosServer({ secretId: 'AKIDE2E', secretKey: 'e2e-secret' });
      const im = await startFakeImServer({ sdkappid: 1400000000, admin: 'administrator', key: 'e2e-im-key' });
      return {
        fakes: { cos, im },
        env: {
          STORAGE_PROVIDER: 'tencent',
          TENCENT_SECRET_ID: 'AKIDE2E',
          TENCENT_SECRET_KEY: 'e2e-secret',
          COS_BUCKET: 'edu-1250000000',
          COS_REGION: 'ap-guangzhou',
          COS_ENDPOINT: cos.endpoint,
          IM_PROVIDER: 'tencent',
          IM_SECRET_KEY: 'e2e-im-key',
          IM_API_BASE: im.url,
        },
      };
    },
  ],
];

describe.each(modes)('playback end to end (%s)', (mode, setup) => {
  let s: Server;
  let fakes: { cos?: FakeCosServer; im?: FakeImServer };
  beforeAll(async () => {
    const m = await setup();
    fakes = m.fakes;
    s = await startStorageTestServer({ ...m.env, REPLAY_INDEX_DELAY_S: String(DELAY), LIVE_CALLBACK_KEY: CB_KEY });
  });
  afterAll(async () => {
    await s.close();
    await fakes.cos?.close();
    await fakes.im?.close();
  });

  const ok = async <T>(svcCmd: string, body: Record<string, unknown>): Promise<T> => {
    const r = await s.call<Reply<T>>(svcCmd, body);
    expect(r.errorCode, `${svcCmd}: ${r.errorInfo}`).toBe(0);
    return r.data as T;
  };

  it('lesson → recording callback twice → job → roomlist state 3 → index over HTTP', async () => {
    const { ctx } = s;
    for (const [id, role] of [
      ['teacher1', 1],
      ['stu1', 0],
      ['stu2', 0],
      ['teacher2', 1],
    ] as const) {
      await ok('account/regist', { id, pwd: 'cHdk', role });
    }
    const t = (await ok<{ token: string }>('account/login', { id: 'teacher1', pwd: 'cHdk' })).token;
    const st = (await ok<{ token: string }>('account/login', { id: 'stu1', pwd: 'cHdk' })).token;
    const absent = (await ok<{ token: string }>('account/login', { id: 'stu2', pwd: 'cHdk' })).token;
    const otherTeacher = (await ok<{ token: string }>('account/login', { id: 'teacher2', pwd: 'cHdk' })).token;
    const { roomnum } = await ok<{ roomnum: number }>('live/create', { token: t, title: '几何 第一课' });
    await ok('live/reportbind', {
      token: t,
      roomnum,
      operate: 0,
      bind_file: { type: 0, file_name: 'slides.pdf', url: 'http://files.example/slides.pdf' },
    });
    await ok('live/startcourse', { token: t, roomnum });
    ctx.clock.advance(5);
    await ok('live/reportmemid', { token: st, roomnum: String(roomnum), operate: 0 });
    ctx.clock.advance(30);
    await ok('live/heartbeat', { token: st, roomnum: String(roomnum) });
    await ok('live/reportmemid', { token: st, roomnum: String(roomnum), operate: 1 });
    ctx.clock.advance(30);
    await ok('live/exitroom', { token: t, roomnum });
    const endedAt = ctx.clock.nowS();

    // Tencent sends the recording notice, then retries it.
    const cb = recordingCallback(roomnum, 'teacher1', { start_time: endedAt - 65, end_time: endedAt, duration: 65 });
    for (const cmd of ['recendcall', 'reccall']) {
      const tt = ctx.clock.nowS() + 600;
      const r = await s.call<{ code: number }>(`live/${cmd}`, { ...cb, t: tt, sign: md5(CB_KEY + tt) }, true);
      expect(r).toEqual({ code: 0 });
    }

    const list = async (token = t) =>
      (await ok<{ rooms: Room[] }>('live/roomlist', { token, index: 0, size: 10, roomnum })).rooms[0]!;
    ctx.clock.set(endedAt + DELAY - 1);
    expect((await buildPlaybackIndexes(ctx)).built).toEqual([]);
    expect(await list()).toMatchObject({ state: 2, playback_idx_url: '' });
    ctx.clock.set(endedAt + DELAY);
    expect((await buildPlaybackIndexes(ctx)).built).toEqual([roomnum]);

    const room = await list();
    expect(room.state).toBe(3);
    // The teacher gets the index at an unguessable key; everyone else "" until it is published, then only attendees.
    const indexKey = new RegExp(`^playback/${roomnum}/[0-9a-f]{32}/index\\.json$`);
    const key = room.playback_idx_url.replace(mode === 'local' ? `${s.url}/storage/` : /^https?:\/\/[^/]+\//, '');
    expect(key).toMatch(indexKey);
    for (const token of [st, absent, otherTeacher]) expect((await list(token)).playback_idx_url).toBe('');
    await setPlaybackPublished(
      ctx,
      await taughtCourse(ctx, { uid: 'teacher1', role: 1, appid: ctx.env.SDKAPPID }, roomnum),
      { published: true },
    );
    expect((await list(st)).playback_idx_url).toBe(room.playback_idx_url);
    for (const token of [absent, otherTeacher]) expect((await list(token)).playback_idx_url).toBe('');
    expect((await list(st)).state).toBe(3);
    const res = await fetch(room.playback_idx_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const idx = (await res.json()) as PlaybackIndex;
    assertValidPlaybackIndex(idx);
    expect(idx.recordings).toHaveLength(1);
    expect(idx.recordings[0]).toMatchObject({
      file_id: cb.file_id,
      video_url: cb.video_url,
      start_time: endedAt - 65,
      end_time: endedAt,
      duration: 65,
      uid: 'teacher1',
    });
    expect(idx.course).toMatchObject({
      roomnum,
      title: '几何 第一课',
      host_uid: 'teacher1',
      begin_imseq: room.begin_imseq,
      end_imseq: room.end_imseq,
    });

    // The course's messages: exactly the ones in [begin_imseq, end_imseq] (start 1001, enter 1003, end 1002).
    const logged = (await ctx.db.select().from(imMessages)).filter(
      (m) => m.groupId === String(roomnum) && m.msgSeq >= room.begin_imseq && m.msgSeq <= room.end_imseq,
    );
    expect(idx.messages.items.map((m) => m.seq)).toEqual(logged.map((m) => m.msgSeq).sort((a, b) => a - b));
    expect(idx.messages.items.map((m) => JSON.parse(String(m.body[0]!.MsgContent.Data)).type)).toEqual([
      1001, 1003, 1002,
    ]);
    expect(idx.messages.count).toBe(3);
    expect(idx.messages.source).toBe(mode);
    expect(idx.timeline.map((i) => i.kind)).toEqual([
      'start',
      'join',
      'courseware_bound',
      'recording',
      'join',
      'leave',
      'leave',
      'end',
    ]);

    if (mode === 'local') {
      // Served by this app with ranges, like any stored object.
      const part = await fetch(room.playback_idx_url, { headers: { Range: 'bytes=0-9' } });
      expect(part.status).toBe(206);
      expect(await part.text()).toBe('{"version"');
      // The old predictable key is not served, even where an object still sits there (indexes built before).
      const oldKey = `playback/${roomnum}/index-${endedAt + DELAY}.json`;
      await ctx.storage.putObject(oldKey, Buffer.from('{}'), { contentType: 'application/json' });
      expect((await fetch(`${s.url}/storage/${oldKey}`)).status).toBe(404);
    } else {
      // The index went to COS through the SDK (signature verified by the fake), and IM history was read from Tencent.
      expect(fakes.cos!.requests.some((r) => r.method === 'PUT' && r.status === 200 && r.key === key)).toBe(true);
      expect(fakes.im!.requests.some((r) => r.command === 'group_msg_get_simple' && r.errorCode === 0)).toBe(true);
    }
  });
});
