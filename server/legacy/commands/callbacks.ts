/**
 * Tencent's callbacks (no appid, no token; auth 'callback'): `live/recendcall` (alias `live/reccall`), the live
 * recording notice, and `live/idxfileendcall`, the replay-index result. Both check the live-callback signature first
 * (refused without LIVE_CALLBACK_KEY unless explicitly allowed), and the source allow-list when one is configured, so a forged or expired callback changes nothing; a notice
 * delivered twice is applied once (by its identity, not by its signature). Replies are shaped by handle.ts.
 */
import { z } from 'zod';
import { applyReplayIndexCallback } from '../../services/playback';
import { LIVE_EVENT, recordingReadyInput, recordRecording } from '../../services/recordings';
import { assertCallbackSource, verifyLiveCallbackSign } from '../../services/live-callback-auth';
import { command, type CommandEntry } from '../command';

/** `t` arrives as a number (2017 payloads) or a numeric string (old docs); kept as the exact decimal text signed. */
const callbackTime = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String),
  z.string().regex(/^\d{1,15}$/, 'must be an integer'),
]);
const callbackAuth = { t: callbackTime.optional(), sign: z.string().max(128).optional() };

const liveEventInput = z.looseObject({
  event_type: z.union([
    z.number().int(),
    z
      .string()
      .regex(/^-?\d{1,9}$/, 'must be an integer')
      .transform(Number),
  ]),
  ...callbackAuth,
});

const recEndCall = command({
  auth: 'callback',
  reply: 'rec-callback',
  input: liveEventInput,
  run: async (ctx, input, _caller, meta) => {
    assertCallbackSource(ctx, meta.ip);
    verifyLiveCallbackSign(ctx, input.t, input.sign);
    if (input.event_type !== LIVE_EVENT.RECORDING_READY) {
      ctx.log.info(
        { event_type: input.event_type, stream_id: input.stream_id, ip: meta.ip },
        'live callback acknowledged (not a recording)',
      );
      return undefined;
    }
    await recordRecording(ctx, recordingReadyInput.parse(input));
    return undefined;
  },
});

/** SrcRequest is the original request serialized as a JSON string; its GroupId is the room number. */
const srcRequest = z
  .string()
  .max(65536)
  .transform((s, c) => {
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch {
      c.addIssue({ code: 'custom', message: 'must be a JSON string' });
      return z.NEVER;
    }
    const g = typeof v === 'object' && v !== null ? (v as { GroupId?: unknown }).GroupId : undefined;
    const text = typeof g === 'number' ? String(g) : g;
    if (typeof text !== 'string' || !/^[1-9]\d{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) {
      c.addIssue({ code: 'custom', message: 'GroupId: must be a course room number' });
      return z.NEVER;
    }
    return Number(text);
  });

const idxFileEndCall = command({
  auth: 'callback',
  reply: 'idx-callback',
  input: z.object({
    SrcRequest: srcRequest,
    ErrorCode: z.number().int(),
    ErrorInfo: z.string().max(2048).optional(),
    ReplayIndex: z
      .object({
        FileUrl: z
          .string()
          .max(2048)
          .refine((u) => /^https?:\/\/[^\s]+$/i.test(u), 'must be an http(s) URL'),
        CreateTime: z.number().int().nonnegative(),
      })
      .optional(),
    ...callbackAuth,
  }),
  run: async (ctx, input, _caller, meta) => {
    assertCallbackSource(ctx, meta.ip);
    verifyLiveCallbackSign(ctx, input.t, input.sign);
    await applyReplayIndexCallback(ctx, {
      roomnum: input.SrcRequest,
      errorCode: input.ErrorCode,
      errorInfo: input.ErrorInfo ?? '',
      replayIndex: input.ReplayIndex
        ? { fileUrl: input.ReplayIndex.FileUrl, createTime: input.ReplayIndex.CreateTime }
        : undefined,
    });
    return undefined;
  },
});

export const callbackCommands: Record<string, CommandEntry> = {
  'live/recendcall': recEndCall,
  'live/reccall': recEndCall,
  'live/idxfileendcall': idxFileEndCall,
};
