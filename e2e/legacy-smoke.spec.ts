/**
 * Smoke test of the 2017 protocol through the production server (the same process that serves the console):
 * CORS preflight, the envelope shapes of regist/login/create/roomlist as the spec documents them, and the protocol's
 * error numbers for a body that is not JSON, a duplicate account, a wrong password and an unknown command.
 */
import { expect, test } from '@playwright/test';
import { b64, LegacyClient, uniqueId } from './helpers/legacy';
import { E2E_SDKAPPID } from './helpers/server-env';

test('OPTIONS preflight: 204 with CORS headers', async ({ request }) => {
  const res = await request.fetch('/index.php?svc=account&cmd=login', {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://app.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type',
    },
  });
  expect(res.status()).toBe(204);
  const h = res.headers();
  expect(h['access-control-allow-origin']).toBe('*');
  expect(h['access-control-allow-methods']).toMatch(/\bPOST\b/);
  expect(h['access-control-allow-headers']?.toLowerCase()).toContain('content-type');
  expect(await res.text()).toBe('');
});

test('regist, login, create, roomlist: envelope shapes', async ({ request }) => {
  const api = new LegacyClient(request);
  const id = uniqueId('smoke');

  const regist = await api.raw('account', 'regist', {
    appid: E2E_SDKAPPID,
    timeStamp: 1,
    id,
    pwd: b64('smoke-pass'),
    role: 1,
  });
  expect(regist.status()).toBe(200);
  expect(regist.headers()['content-type']).toMatch(/^application\/json/);
  expect(regist.headers()['access-control-allow-origin']).toBe('*');
  expect(await regist.json()).toEqual({ errorCode: 0, errorInfo: '' });

  const login = await api.call<{ token: string; userSig: string; role: number }>('account/login', {
    id,
    pwd: b64('smoke-pass'),
  });
  expect(login).toMatchObject({
    errorCode: 0,
    errorInfo: '',
    data: { token: expect.any(String), userSig: expect.any(String), role: 1 },
  });
  const token = login.data!.token;
  expect(token.length).toBeGreaterThan(0);

  const created = await api.call<{ roomnum: number; groupid: string }>('live/create', {
    token,
    title: 'Smoke test 冒烟',
  });
  expect(created).toEqual({
    errorCode: 0,
    errorInfo: '',
    data: { roomnum: expect.any(Number), groupid: expect.any(String) },
  });
  const { roomnum, groupid } = created.data!;
  expect(groupid).toBe(String(roomnum));

  const list = await api.call<{ total: number; rooms: Record<string, unknown>[] }>('live/roomlist', {
    token,
    index: 0,
    size: 10,
    roomnum,
  });
  expect(list).toMatchObject({ errorCode: 0, errorInfo: '', data: { total: 1 } });
  expect(list.data!.rooms).toHaveLength(1);
  expect(list.data!.rooms[0]).toMatchObject({
    host_uid: id,
    title: 'Smoke test 冒烟',
    state: 0,
    roomnum,
    groupid,
    cover: expect.any(String),
    memsize: 0,
    playback_idx_url: '',
    begin_time: expect.any(Number),
    begin_imseq: expect.any(Number),
    end_time: expect.any(Number),
    end_imseq: expect.any(Number),
  });
});

test('protocol errors: non-JSON body 10002, duplicate account 10004, wrong password 10006, unknown command 10001', async ({
  request,
}) => {
  const api = new LegacyClient(request);
  const notJson = await api.raw('account', 'login', '{"id": "x", this is not json');
  expect(notJson.status()).toBe(200);
  expect(await notJson.json()).toEqual({ errorCode: 10002, errorInfo: expect.any(String) });

  const id = uniqueId('dup');
  await api.account(id, 'dup-pass', 0);
  expect((await api.call('account/regist', { id, pwd: b64('dup-pass'), role: 0 })).errorCode).toBe(10004);
  expect((await api.call('account/login', { id, pwd: b64('not-it') })).errorCode).toBe(10006);
  expect((await api.call('live/nosuchcommand', {})).errorCode).toBe(10001);
});
