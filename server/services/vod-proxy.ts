/**
 * The legacy VOD command channel (vod/cmd_proxy): a client names a VOD API v2 request, the server carries it out with
 * its own credentials through ctx.vod and returns the v2-shaped answer. Only `vod.api.qcloud.com` + /v2/index.php and
 * the read-only actions DescribeVodInfo / GetVideoInfo are accepted: the request always goes to the configured VOD
 * endpoint, never to a host the caller chose. Parsing of the v2 parameters into typed queries lives with the VOD
 * integration (integrations/vod/v2-queries.ts); which media a caller may see is playback-access.ts's rule.
 */
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import type { V2Method } from '../integrations/vod/api-v2-sign';
import { VodUpstreamError, type V2DescribeVodInfoReply, type V2GetVideoInfoReply } from '../integrations/vod/types';
import { flattenV2Params, readSignatureMethod, V2_PATH, type V2ParamsInput } from '../integrations/vod/v2-params';
import { parseDescribeVodInfo, parseGetVideoInfo } from '../integrations/vod/v2-queries';
import { visibleMedia } from './playback-access';
import type { Caller } from './schemas';

const VOD_PROXY_HOST = 'vod.api.qcloud.com';
const VOD_PROXY_ACTIONS = ['DescribeVodInfo', 'GetVideoInfo'] as const;

interface VodProxyInput {
  method: V2Method;
  host: string;
  path: string;
  params: V2ParamsInput;
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
