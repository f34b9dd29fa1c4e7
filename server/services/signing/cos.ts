/**
 * cos/get_sign: the COS v4 multi-effect / once signature the 2017 clients send (tencent-protocols.md §3b), and, when a
 * file is named, a COS v5 PUT authorization (cos-nodejs-sdk-v5's getAuthorization) plus a presigned upload URL so
 * newer clients need no v4. Local storage mode signs the same way with the configured (or logged dev) key and the
 * upload URL points at this server's /storage/ route (ctx.storage.presignPut).
 */
import COS from 'cos-nodejs-sdk-v5';
import type { ServiceCtx } from '../../context';
import { publicBaseUrl } from '../../env';
import { AppError, isAppError } from '../../errors';
import { cosV4FileId, cosV4Sign } from '../../integrations/cos/v4-sign';
import { encodeKeyPath, isServerManagedKey, safeObjectKey, SERVER_KEY_PREFIX } from '../../integrations/storage/keys';
import { MAX_PRESIGN_S } from '../../integrations/storage/local';

/** Bucket named in v4 signatures when COS_BUCKET is unset (local sandbox only). */
export const LOCAL_DEV_BUCKET = 'edu-local';

export interface CosSignInput {
  /** 0: multi-effect (reusable, expires after COS_SIG_EXPIRE_S); 1: once (single use, bound to file_path). */
  type: 0 | 1;
  bucket?: string;
  filePath?: string;
}

export interface CosSignReply {
  sign: string;
  bucket: string;
  region: string;
  preview_tag: string;
  authorization?: string;
  upload_url?: string;
}

/**
 * A file path as COS v4 names it: `/dir/file.ext`. After the leading `/` it must be a safe object key
 * (storage/keys.ts, the one gate every key passes): no `.`/`..`/hidden segments (also percent-encoded), empty
 * segments, backslashes, NUL or control characters, and not ending with `/` (a signature is for a file).
 * @throws BAD_INPUT naming file_path
 */
export function checkFilePath(p: string): string {
  if (!p.startsWith('/')) throw new AppError('BAD_INPUT', 'file_path: must start with /');
  try {
    return safeObjectKey(p.slice(1));
  } catch (e) {
    if (isAppError(e)) throw new AppError('BAD_INPUT', e.message.replace(/^key:/, 'file_path:'));
    throw e;
  }
}

/** Short bucket name (v4 wants it without the `-<appid>` suffix). */
function shortBucket(bucket: string, appid: number): string {
  const suffix = `-${appid}`;
  return bucket.endsWith(suffix) ? bucket.slice(0, -suffix.length) : bucket;
}

/**
 * Signs COS access for a client. Caller: legacy cos/get_sign. `random` is injected so tests reproduce vectors.
 * @throws BAD_INPUT type 1 without file_path, or an unsafe file_path · NO_PRIVILEGE a server-managed file_path
 */
export function signCosRequest(ctx: ServiceCtx, input: CosSignInput, random: () => number): CosSignReply {
  if (input.type === 1 && input.filePath === undefined) throw new AppError('BAD_INPUT', 'file_path: required for a single-use (type 1) signature');
  const key = input.filePath === undefined ? undefined : checkFilePath(input.filePath);
  // A cos/get_sign caller (any logged-in user) must not get credentials that overwrite what the server manages.
  if (key !== undefined && isServerManagedKey(key)) {
    throw new AppError('NO_PRIVILEGE', `file_path: ${Object.values(SERVER_KEY_PREFIX).map((p) => `/${p}`).join(', ')} are managed by the server`);
  }
  const { appid, secretId, secretKey } = ctx.cloud;
  const configured = shortBucket(ctx.env.COS_BUCKET ?? LOCAL_DEV_BUCKET, appid);
  const bucket = input.bucket !== undefined ? shortBucket(input.bucket, appid) : configured;
  const now = ctx.clock.nowS();
  const expiresS = ctx.env.COS_SIG_EXPIRE_S;
  // Multi-effect: expires, bound to the bare path when one is given (as the 2017 demo did). Once: e=0 and the fileid.
  const filePath = input.filePath ?? '';
  const sign =
    input.type === 0
      ? cosV4Sign({ appid, bucket, secretId, secretKey, expire: now + expiresS, now, random: random(), fileId: filePath })
      : cosV4Sign({ appid, bucket, secretId, secretKey, expire: 0, now, random: random(), fileId: cosV4FileId(appid, bucket, filePath) });
  const reply: CosSignReply = {
    sign,
    bucket,
    region: input.bucket !== undefined ? '' : (ctx.env.COS_REGION ?? ''),
    preview_tag: ctx.env.COS_PREVIEW_TAG,
  };
  if (key === undefined) return reply;

  // Upload credentials (v5) live COS_SIG_EXPIRE_S but at most the storage providers' presign limit (a week).
  const uploadExpiresS = Math.min(Math.max(expiresS, 1), MAX_PRESIGN_S);
  const keyTime = `${now};${now + uploadExpiresS}`;
  const v5 = (host: string) =>
    COS.getAuthorization({ SecretId: secretId, SecretKey: secretKey, Method: 'put', Key: key, Headers: { Host: host }, KeyTime: keyTime });
  if (ctx.storage.name === 'tencent' && bucket !== configured) {
    // A bucket other than the one the storage provider serves: sign for its standard COS host directly.
    const host = `${bucket}-${appid}.cos.${ctx.env.COS_REGION ?? ''}.myqcloud.com`;
    reply.authorization = v5(host);
    reply.upload_url = `https://${host}/${encodeKeyPath(key)}?${reply.authorization}`;
    return reply;
  }
  const upload = ctx.storage.presignPut(key, { expiresS: uploadExpiresS });
  // Local: the /storage/ route verifies against the Host of PUBLIC_BASE_URL; COS: the host the presigned URL names.
  const host = ctx.storage.name === 'local' ? new URL(publicBaseUrl(ctx.env)).host : new URL(upload.url).host;
  reply.authorization = v5(host);
  reply.upload_url = upload.url;
  return reply;
}
