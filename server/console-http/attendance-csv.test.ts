import { describe, expect, it } from 'vitest';
import { reportMember } from '../services/members';
import { createTestCtx } from '../testing/test-ctx';
import { signedIn } from '../trpc/testing';
import { serveAttendanceCsv } from './attendance-csv';

const url = (roomnum: number | string, q = '') => `http://console.test/api/courses/${roomnum}/attendance.csv${q}`;

describe('attendance CSV route', () => {
  it('gives the teacher a UTF-8 CSV with BOM, localized headers and a download name; others 401/404', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    const stu = await signedIn(ctx, 'stu1', 0);
    const { roomnum } = await t.api.course.create({ title: 'CSV' });
    await t.api.course.start({ roomnum });
    ctx.clock.advance(60);
    await reportMember(ctx, { uid: 'stu1', role: 0, appid: ctx.env.SDKAPPID }, { roomnum, operate: 0, timeStamp: 1 });
    ctx.clock.advance(120);
    await t.api.course.end({ roomnum });

    const res = await serveAttendanceCsv(
      ctx,
      new Request(url(roomnum, '?tz=Asia/Shanghai'), {
        headers: { cookie: `console_session=${t.secret}`, 'accept-language': 'zh-CN' },
      }),
      String(roomnum),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="__-${roomnum}.csv"; filename*=UTF-8''${encodeURIComponent(`出勤-${roomnum}.csv`)}`,
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe('成员,角色,首次进入,最后离开,在场分钟,进入次数');
    expect(lines[1]).toMatch(/^teach1,老师,.+,.+,3\.0,1$/);
    expect(lines[2]).toMatch(/^stu1,学生,.+,.+,2\.0,1$/);

    const en = await serveAttendanceCsv(
      ctx,
      new Request(url(roomnum), { headers: { cookie: `console_session=${t.secret}; console_lang=en` } }),
      String(roomnum),
    );
    expect((await en.text()).split('\r\n')[0]).toBe('Member,Role,First joined,Last left,Minutes present,Visits');

    expect((await serveAttendanceCsv(ctx, new Request(url(roomnum)), String(roomnum))).status).toBe(401);
    expect(
      (
        await serveAttendanceCsv(
          ctx,
          new Request(url(roomnum), { headers: { cookie: `console_session=${other.secret}` } }),
          String(roomnum),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await serveAttendanceCsv(
          ctx,
          new Request(url(roomnum + 99), { headers: { cookie: `console_session=${t.secret}` } }),
          String(roomnum + 99),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await serveAttendanceCsv(
          ctx,
          new Request(url('abc'), { headers: { cookie: `console_session=${t.secret}` } }),
          'abc',
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await serveAttendanceCsv(
          ctx,
          new Request(url(roomnum), { headers: { cookie: `console_session=${stu.secret}` } }),
          String(roomnum),
        )
      ).status,
    ).toBe(403);
  });
});
