import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLegacyTestServer, type LegacyTestServer } from '../testing/legacy-server';
import { createTestCtx } from '../testing/test-ctx';

describe('legacy lifecycle over HTTP', () => {
  const ctx = createTestCtx();
  let s: LegacyTestServer;
  beforeAll(async () => {
    s = await startLegacyTestServer(ctx);
  });
  afterAll(() => s.close());

  it('runs a class: register, login, create, start, join, heartbeat, list, end', async () => {
    expect(await s.call('account/regist', { id: 'teacher1', pwd: 'cHdk', role: 1 })).toEqual({
      errorCode: 0,
      errorInfo: '',
    });
    expect((await s.call('account/regist', { id: 'stu1', pwd: 'cHdk', role: 0 })).errorCode).toBe(0);
    const t = await s.call<{ token: string; userSig: string; role: number }>('account/login', {
      id: 'teacher1',
      pwd: 'cHdk',
    });
    expect(t.errorCode).toBe(0);
    expect(t.data!.role).toBe(1);
    const st = await s.call<{ token: string }>('account/login', { id: 'stu1', pwd: 'cHdk' });
    const created = await s.call<{ roomnum: number; groupid: string }>('live/create', {
      token: t.data!.token,
      title: 'math',
    });
    expect(created).toEqual({ errorCode: 0, errorInfo: '', data: { roomnum: 10001, groupid: '10001' } });
    expect((await s.call('live/startcourse', { token: t.data!.token, roomnum: 10001 })).errorCode).toBe(0);
    expect((await s.call('live/reportmemid', { token: st.data!.token, roomnum: '10001', operate: 0 })).errorCode).toBe(
      0,
    );
    expect((await s.call('live/heartbeat', { token: st.data!.token, roomnum: '10001' })).errorCode).toBe(0);
    const ids = await s.call('live/roomidlist', { token: st.data!.token, roomnum: 10001, index: 0, size: 10 });
    expect(ids.data).toEqual({
      total: 2,
      idlist: [
        { id: 'teacher1', role: 1 },
        { id: 'stu1', role: 0 },
      ],
    });
    expect((await s.call('live/exitroom', { token: t.data!.token, roomnum: 10001 })).errorCode).toBe(0);
    const list = await s.call<{ total: number; rooms: Record<string, unknown>[] }>('live/roomlist', {
      token: st.data!.token,
      index: 0,
      size: 10,
    });
    expect(list.data!.rooms[0]).toMatchObject({ state: 2, memsize: 0, begin_imseq: 1, end_imseq: 3 });
  });
});
