/**
 * The legacy VOD command channel (vod/cmd_proxy): a client names a VOD API v2 request, the server carries it out with
 * its own credentials through ctx.vod and returns the v2-shaped answer. Only `vod.api.qcloud.com` + /v2/index.php and
 * the read-only actions DescribeVodInfo / GetVideoInfo are accepted: the request always goes to the configured VOD
 * endpoint, never to a host the caller chose. Parsing of the v2 parameters into typed queries lives here.
 */
import { z } from 'zod';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import type { FlatParams, V2Method } from '../integrations/vod/api-v2-sign';
import {
  VIDEO_INFO_FILTERS,
  VodUpstreamError,
  type DescribeVodInfoQuery,
  type GetVideoInfoQuery,
  type V2DescribeVodInfoReply,
  type V2GetVideoInfoReply,
} from '../integrations/vod/types';
import { parseV2Time } from '../integrations/vod/v2-time';
import { visibleMedia } from './playback-access';
import type { Caller } from './schemas';
import { flattenV2Params, readSignatureMethod, V2_PATH, type V2ParamsInput } from '../integrations/vod/v2-params';

export const VOD_PROXY_HOST = 'vod.api.qcloud.com';
export const VOD_PROXY_ACTIONS = ['DescribeVodInfo', 'GetVideoInfo'] as const;

/** SearchMedia takes at most 10 file ids and Offset + Limit ≤ 5000; the local provider keeps the same bounds. */
const MAX_FILE_IDS = 10;
const MAX_WINDOW = 5000;

export interface VodProxyInput {
  method: V2Method;
  host: string;
  path: string;
  params: V2ParamsInput;
}

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

/**
 * Carries out an allowed VOD v2 read through ctx.vod, answering only with media the caller may see (visibleMedia);
 * URLs of this server's files are built at `base`. Caller: legacy vod/cmd_proxy.
 * @throws NO_PRIVILEGE other host, path or action · BAD_INPUT malformed params · UPSTREAM_ERROR Tencent failed
 *   (data {code, message})
 */
export async function proxyVodCommand(
  ctx: ServiceCtx,
  caller: Caller,
  input: VodProxyInput,
  base?: string,
): Promise<V2DescribeVodInfoReply | V2GetVideoInfoReply> {
  if (input.host.toLowerCase() !== VOD_PROXY_HOST)
    throw new AppError('NO_PRIVILEGE', `only ${VOD_PROXY_HOST} can be proxied`);
  if (input.path !== V2_PATH) throw new AppError('NO_PRIVILEGE', `only ${V2_PATH} can be proxied`);
  const flat = flattenV2Params(input.params);
  const action = flat.get('Action') ?? '';
  if (action !== 'DescribeVodInfo' && action !== 'GetVideoInfo') {
    throw new AppError(
      'NO_PRIVILEGE',
      `action ${action || '(none)'} cannot be proxied (${VOD_PROXY_ACTIONS.join(', ')} only)`,
    );
  }
  readSignatureMethod(flat);
  // The params are parsed (BAD_INPUT) before the provider is called, so malformed requests never reach Tencent.
  const query = action === 'DescribeVodInfo' ? parseDescribeVodInfo(flat) : parseGetVideoInfo(flat);
  // Only the caller's own media (the playback rule, playback-access.ts), whatever the VOD account holds.
  const view = await visibleMedia(ctx, caller, base);
  try {
    return 'fileId' in query ? await ctx.vod.getVideoInfo(query, view) : await ctx.vod.describeVodInfo(query, view);
  } catch (e) {
    if (e instanceof VodUpstreamError) {
      ctx.log.warn({ action, code: e.code, err: e.detail ?? e.message }, 'VOD upstream error');
      throw new AppError('UPSTREAM_ERROR', `VOD ${action}: ${e.code}`, { code: e.code, message: e.message });
    }
    throw e;
  }
}
