import { describe, expect, it } from 'vitest';
import { reportMember } from '../services/members';
import { createTestCtx, T0 } from '../testing/test-ctx';
import { signedIn } from '../trpc/testing';
import { serveAttendanceMatrixCsv } from './attendance-matrix-csv';

const url = (q = '') => `http://console.test/api/attendance/matrix.csv${q}`;

describe('attendance matrix CSV route', () => {
  it('gives the teacher their matrix as UTF-8 CSV with BOM; logged out 401, students 403, other teachers see only theirs', async () => {
    const ctx = createTestCtx();
    const t = await signedIn(ctx, 'teach1');
    const other = await signedIn(ctx, 'teach2');
    const stu = await signedIn(ctx, 'stu1', 0);
    await t.api.classList.add({ ids: ['stu1'] });
    const { roomnum } = await t.api.course.create({ title: '=Algebra, part 1' });
    await t.api.course.start({ roomnum });
    ctx.clock.advance(600);
    await reportMember(ctx, { uid: 'stu1', role: 0, appid: ctx.env.SDKAPPID }, { roomnum, operate: 0, timeStamp: 1 });
    ctx.clock.advance(600);
    await t.api.course.end({ roomnum });

    const res = await serveAttendanceMatrixCsv(
      ctx,
      new Request(url(`?from=${T0 - 10}&to=${T0 + 9999}&tz=UTC`), {
        headers: { cookie: `console_session=${t.secret}; console_lang=en` },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('attendance-matrix.csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(new RegExp(`^Student,"'=Algebra, part 1 #${roomnum} .+"$`));
    expect(lines[1]).toBe('stu1,late (10.0)');
    expect(lines).toHaveLength(2);

    const zh = await serveAttendanceMatrixCsv(
      ctx,
      new Request(url(), { headers: { cookie: `console_session=${t.secret}`, 'accept-language': 'zh-CN' } }),
    );
    expect(new TextDecoder().decode(await zh.arrayBuffer()).split('\r\n')[1]).toBe('stu1,迟到 (10.0)');

    const theirs = await serveAttendanceMatrixCsv(
      ctx,
      new Request(url(), { headers: { cookie: `console_session=${other.secret}; console_lang=en` } }),
    );
    expect((await theirs.text()).trimEnd()).toBe('Student'); // text() drops the BOM
    expect((await serveAttendanceMatrixCsv(ctx, new Request(url()))).status).toBe(401);
    expect(
      (
        await serveAttendanceMatrixCsv(
          ctx,
          new Request(url(), { headers: { cookie: `console_session=${stu.secret}` } }),
        )
      ).status,
    ).toBe(403);
  });
});
