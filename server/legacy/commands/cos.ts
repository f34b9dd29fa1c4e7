/** `cos/*` commands: get_sign (COS v4 signature, plus v5 authorization and upload URL for a named file). */
import { z } from 'zod';
import { signCosRequest } from '../../services/signing/cos';
import { command, type CommandEntry } from '../command';

/** COS bucket names: lowercase letters, digits and '-', optionally with the `-<appid>` suffix. */
const bucketInput = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a COS bucket name (a-z, 0-9, -)');

export const cosCommands: Record<string, CommandEntry> = {
  'cos/get_sign': command({
    auth: 'teacher',
    input: z.object({
      type: z.union([z.literal(0), z.literal(1)], 'must be 0 (multi-use) or 1 (single-use)'),
      bucket: bucketInput.optional(),
      file_path: z.string().max(1024, 'at most 1024 characters').optional(),
    }),
    run: (ctx, input, caller) =>
      signCosRequest(ctx, caller, { type: input.type, bucket: input.bucket, filePath: input.file_path }),
  }),
};
