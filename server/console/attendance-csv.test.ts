import { describe, expect, it } from 'vitest';
import { attachmentDisposition, attendanceCsv, CSV_BOM } from './attendance-csv';

const labels = {
  uid: '用户',
  role: '角色',
  firstJoin: '首次进入',
  lastLeave: '最后离开',
  minutes: '分钟',
  sessions: '次数',
  teacher: '老师',
  student: '学生',
  stillIn: '仍在',
};

describe('attendanceCsv', () => {
  it('starts with a BOM, uses CRLF, and formats rows', () => {
    const csv = attendanceCsv(
      [
        { uid: 't1', role: 1, firstJoin: 100, lastLeave: 400, secondsPresent: 300, sessions: 1 },
        { uid: 's1', role: 0, firstJoin: 160, lastLeave: 0, secondsPresent: 90, sessions: 2 },
      ],
      labels,
      (s) => `T${s}`,
    );
    expect(csv.startsWith(CSV_BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      '用户,角色,首次进入,最后离开,分钟,次数',
      't1,老师,T100,T400,5.0,1',
      's1,学生,T160,仍在,1.5,2',
      '',
    ]);
  });
  it('quotes separators and neutralises formulas', () => {
    const csv = attendanceCsv(
      [{ uid: '-cmd', role: 0, firstJoin: 1, lastLeave: 2, secondsPresent: 60, sessions: 1 }],
      { ...labels, uid: 'a,"b"' },
      () => '=HYPERLINK("x")',
    );
    const [head, row] = csv.slice(1).split('\r\n');
    expect(head!.startsWith('"a,""b"""')).toBe(true);
    expect(row).toBe(`'-cmd,学生,"'=HYPERLINK(""x"")","'=HYPERLINK(""x"")",1.0,1`);
  });
  it('builds a Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    expect(attachmentDisposition('考勤-10001.csv')).toBe(
      `attachment; filename="__-10001.csv"; filename*=UTF-8''${encodeURIComponent('考勤-10001.csv')}`,
    );
  });
});
