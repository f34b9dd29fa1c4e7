/**
 * The VOD API v2 read requests the 2017 clients send through vod/cmd_proxy (DescribeVodInfo, GetVideoInfo), parsed
 * from their flat v2 parameters into the typed queries a VodProvider answers (types.ts). Bounds follow what VOD
 * accepts (SearchMedia: at most 10 file ids, Offset + Limit ≤ 5000); a malformed field is BAD_INPUT naming
 * `params.<field>`, so nothing malformed reaches a provider.
 */
import { z } from 'zod';
import { AppError } from '../../errors';
import type { FlatParams } from './api-v2-sign';
import { VIDEO_INFO_FILTERS, type DescribeVodInfoQuery, type GetVideoInfoQuery } from './types';
import { parseV2Time } from './v2-time';

/** SearchMedia takes at most 10 file ids and Offset + Limit ≤ 5000; the local provider keeps the same bounds. */
const MAX_FILE_IDS = 10;
const MAX_WINDOW = 5000;

const fileIdInput = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'file ids are 1-64 letters, digits, _ or -');
const uintText = (max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.number().max(max, `at most ${max}`));
const v2TimeInput = z.string().transform((s, c) => {
  const t = parseV2Time(s);
  if (t === null) {
    c.addIssue({ code: 'custom', message: 'must be a time YYYY-MM-DD HH:MM:SS' });
    return z.NEVER;
  }
  return t;
});

const describeVodInfoParams = z.object({
  from: v2TimeInput.optional(),
  to: v2TimeInput.optional(),
  classId: uintText(2 ** 31).optional(),
  status: z.literal('2', 'only status 2 (normal) can be asked for').optional(),
  orderby: z.enum(['0', '1'], 'must be 0 (oldest first) or 1 (newest first)').optional(),
  pageNo: uintText(MAX_WINDOW).optional(),
  pageSize: uintText(100).pipe(z.number().min(1, 'must be 1-100')).optional(),
});

/** Values of numbered list parameters `name.0`, `name.1`… (the v2 API also numbered from 1), in index order. */
function numberedList(flat: FlatParams, name: string): string[] {
  const prefix = `${name}.`;
  return [...flat.entries()]
    .filter(([k]) => k.startsWith(prefix) && /^\d{1,3}$/.test(k.slice(prefix.length)))
    .sort(([a], [b]) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map(([, v]) => v);
}

function fromFlat(flat: FlatParams, names: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const n of names) {
    const v = flat.get(n);
    if (v !== undefined) o[n] = v;
  }
  return o;
}

/** Runs a zod parse and reports failures as BAD_INPUT naming `params.<field>`. */
function parseParams<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new AppError('BAD_INPUT', `params${path ? `.${path}` : ''}: ${issue?.message ?? 'invalid'}`);
}

export function parseDescribeVodInfo(flat: FlatParams): DescribeVodInfoQuery {
  const fileIds = parseParams(
    z.array(fileIdInput).max(MAX_FILE_IDS, `at most ${MAX_FILE_IDS} file ids`),
    numberedList(flat, 'fileIds'),
  );
  const p = parseParams(
    describeVodInfoParams,
    fromFlat(flat, ['from', 'to', 'classId', 'status', 'orderby', 'pageNo', 'pageSize']),
  );
  const limit = p.pageSize ?? 10;
  // v2 pages count from 1; the 2017 demo sent pageNo 0, which also means the first page.
  const offset = (Math.max(p.pageNo ?? 1, 1) - 1) * limit;
  if (offset + limit > MAX_WINDOW)
    throw new AppError('BAD_INPUT', `params.pageNo: only the first ${MAX_WINDOW} files can be paged`);
  if (p.from !== undefined && p.to !== undefined && p.from > p.to)
    throw new AppError('BAD_INPUT', 'params.from: must not be after to');
  return {
    fileIds: [...new Set(fileIds)],
    from: p.from,
    to: p.to,
    classId: p.classId,
    onlyNormal: p.status !== undefined,
    order: p.orderby === '0' ? 'asc' : 'desc',
    offset,
    limit,
  };
}

export function parseGetVideoInfo(flat: FlatParams): GetVideoInfoQuery {
  const fileId = parseParams(fileIdInput, flat.get('fileId') ?? '');
  const filters = parseParams(
    z
      .array(z.enum(VIDEO_INFO_FILTERS, `infoFilter supports ${VIDEO_INFO_FILTERS.join(', ')}`))
      .max(VIDEO_INFO_FILTERS.length * 2),
    numberedList(flat, 'infoFilter'),
  );
  return { fileId, filters: filters.length ? [...new Set(filters)] : [...VIDEO_INFO_FILTERS] };
}
