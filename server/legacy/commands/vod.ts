/** `vod/*` commands: get_sign (API v2 request signature), get_client_sign (upload signature), cmd_proxy (VOD reads). */
import { z } from 'zod';
import { signVodApiRequest, signVodClientUpload } from '../../services/signing/vod';
import { proxyVodCommand } from '../../services/vod-proxy';
import { v2HostInput, v2MethodInput, v2ParamsInput, v2PathInput } from '../../integrations/vod/v2-params';
import { baseUrlOf, command, type CommandEntry } from '../command';

const v2RequestInput = z.object({ method: v2MethodInput, host: v2HostInput, path: v2PathInput, params: v2ParamsInput });

export const vodCommands: Record<string, CommandEntry> = {
  'vod/get_sign': command({
    auth: 'token',
    input: v2RequestInput,
    run: (ctx, input) => signVodApiRequest(ctx, input),
  }),
  'vod/get_client_sign': command({
    auth: 'token',
    input: z.object({}),
    run: (ctx) => signVodClientUpload(ctx),
  }),
  'vod/cmd_proxy': command({
    auth: 'token',
    input: v2RequestInput,
    run: (ctx, input, caller, meta) => proxyVodCommand(ctx, caller, input, baseUrlOf(ctx, meta)),
  }),
};
