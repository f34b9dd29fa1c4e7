/**
 * The `params` object of vod/get_sign and vod/cmd_proxy: zod shape (bounded in depth, size and characters) and its
 * normalisation to the flat v2 key → value map that is signed or parsed.
 *
 * Why '&' is refused in values and '=' / '&' in keys: the v2 string to sign joins raw `k=v` pairs with '&', so a value
 * like `x&Action=DeleteVodFile` would let a caller get a signature that Tencent reads as a different, disallowed
 * request. Keys are limited to the characters v2 parameter names use.
 */
import { z } from 'zod';
import { AppError } from '../../errors';
import { normalizeV2Params, type FlatParams, type ParamValue, type SignatureMethod } from './api-v2-sign';

/** Most flattened parameters one request may carry (v2 requests have a few dozen at most). */
const MAX_V2_PARAMS = 100;

const keyInput = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'parameter names are 1-64 letters, digits, _ . or -');

/**
 * JSON.parse keeps `__proto__` as an own key, but a zod record silently drops it, so it is refused up front. Looks
 * only as deep as params may nest (deeper input fails the schema anyway), so it cannot recurse without bound.
 */
function hasProtoKey(v: unknown, depth = 0): boolean {
  if (typeof v !== 'object' || v === null || depth > 3) return false;
  if (Object.hasOwn(v, '__proto__')) return true;
  return Object.values(v).some((x) => hasProtoKey(x, depth + 1));
}
const leafInput = z.union([
  z
    .string()
    .max(1024, 'at most 1024 characters')
    .refine((v) => !v.includes('&'), 'must not contain &'),
  z.number().finite(),
]);
const boundedRecord = <T extends z.ZodType>(value: T) =>
  z
    .record(keyInput, value)
    .refine((o) => Object.keys(o).length <= MAX_V2_PARAMS, `at most ${MAX_V2_PARAMS} parameters`);
// Depth is bounded by construction (three levels), so no input can recurse the validator into a stack overflow.
const level3 = leafInput;
const level2 = z.union([leafInput, z.array(level3).max(MAX_V2_PARAMS), boundedRecord(level3)]);
const level1 = z.union([leafInput, z.array(level2).max(MAX_V2_PARAMS), boundedRecord(level2)]);

export const v2ParamsInput = z
  .unknown()
  .refine((v) => !hasProtoKey(v), 'parameter name __proto__ is not allowed')
  .pipe(boundedRecord(level1));
export type V2ParamsInput = z.infer<typeof v2ParamsInput>;

export const v2MethodInput = z
  .string()
  .transform((m) => m.toUpperCase())
  .pipe(z.enum(['GET', 'POST'], 'must be GET or POST'));
export const v2HostInput = z.string().min(1, 'must not be empty').max(253, 'too long');
export const v2PathInput = z.string().min(1, 'must not be empty').max(256, 'too long');

/** The one API v2 path the 2017 clients use; signing or proxying any other path is refused. */
export const V2_PATH = '/v2/index.php';

/** Flattens and normalises (`_` → `.`); throws BAD_INPUT on collisions or too many parameters. */
export function flattenV2Params(params: V2ParamsInput): FlatParams {
  const flat = normalizeV2Params(params as Record<string, ParamValue>);
  if (!flat) throw new AppError('BAD_INPUT', 'params: two parameters have the same name once _ is read as .');
  if (flat.size > MAX_V2_PARAMS) throw new AppError('BAD_INPUT', `params: at most ${MAX_V2_PARAMS} parameters`);
  return flat;
}

/**
 * `SignatureMethod` of a v2 request: HmacSHA1 when absent (as the v2 API defaults), HmacSHA256, anything else
 * BAD_INPUT. Both get_sign and cmd_proxy apply it, so a request one accepts the other does too.
 */
export function readSignatureMethod(flat: FlatParams): SignatureMethod {
  const m = flat.get('SignatureMethod');
  if (m === undefined || m === 'HmacSHA1') return 'HmacSHA1';
  if (m === 'HmacSHA256') return 'HmacSHA256';
  throw new AppError('BAD_INPUT', 'params.SignatureMethod: must be HmacSHA1 or HmacSHA256');
}
