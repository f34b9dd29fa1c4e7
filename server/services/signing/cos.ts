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
import {
  CLIENT_KEY_PREFIX,
  encodeKeyPath,
  isServerManagedKey,
  safeObjectKey,
  SERVER_KEY_PREFIX,
} from '../../integrations/storage/keys';
import { taughtCourse, type Teacher } from '../course-access';

/**
 * Longest life of anything cos/get_sign returns. Every v4 multi-effect signature grants reads AND writes on COS, so
 * all of them are write credentials: an hour at most, whatever COS_SIG_EXPIRE_S says (that keeps read-only links).
 */
const WRITE_SIG_MAX_S = 3600;

/** Bucket named in v4 signatures when COS_BUCKET is unset (local sandbox only). */
const LOCAL_DEV_BUCKET = 'edu-local';

interface CosSignInput {
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
 * Who may write where. Every signature this command returns can write (v4 multi-effect is read+write, once is
 * delete/update, v5 is PUT), so: teachers only (the door hands a `Teacher`: legacy `auth: 'teacher'`); never without a file_path (a v4 signature without `f` covers the
 * whole bucket); only under `users/<own uid>/…` or `courses/<roomnum>/…` of a course the caller teaches.
 * uids are `[A-Za-z0-9_-]{1,32}` (userIdInput), safe as a key segment as they are.
 * @throws NO_PRIVILEGE · ROOM_NOT_FOUND a courses/<roomnum>/ key of no course · NOT_YOUR_COURSE someone else's
 */
async function assertWritableKey(ctx: ServiceCtx, teacher: Teacher, key: string | undefined): Promise<void> {
  if (key === undefined)
    throw new AppError('NO_PRIVILEGE', 'file_path: required (a signature without one would cover the whole bucket)');
  // Never credentials that overwrite what the server manages.
  if (isServerManagedKey(key)) {
    throw new AppError(
      'NO_PRIVILEGE',
      `file_path: ${Object.values(SERVER_KEY_PREFIX)
        .map((p) => `/${p}`)
        .join(', ')} are managed by the server`,
    );
  }
  const [top, owner, ...rest] = key.split('/');
  const where = `file_path: must be under /${CLIENT_KEY_PREFIX.USERS}<your uid>/ or /${CLIENT_KEY_PREFIX.COURSES}<roomnum of your course>/`;
  if (rest.length === 0 || owner === undefined) throw new AppError('NO_PRIVILEGE', where);
  if (`${top}/` === CLIENT_KEY_PREFIX.USERS && owner === teacher.uid) return;
  if (`${top}/` === CLIENT_KEY_PREFIX.COURSES && /^[1-9][0-9]{0,15}$/.test(owner)) {
    await taughtCourse(ctx, teacher, Number(owner));
    return;
  }
  throw new AppError('NO_PRIVILEGE', where);
}

/**
 * Signs COS access for a client. Caller: legacy cos/get_sign. The v4 nonce comes from ctx.random (tests pin it).
 * @throws BAD_INPUT type 1 without file_path, or an unsafe file_path · NO_PRIVILEGE see assertWritableKey ·
 * ROOM_NOT_FOUND
 */
export async function signCosRequest(ctx: ServiceCtx, teacher: Teacher, input: CosSignInput): Promise<CosSignReply> {
  if (input.type === 1 && input.filePath === undefined)
    throw new AppError('BAD_INPUT', 'file_path: required for a single-use (type 1) signature');
  const key = input.filePath === undefined ? undefined : checkFilePath(input.filePath);
  await assertWritableKey(ctx, teacher, key);
  const { appid, secretId, secretKey } = ctx.cloud;
  const configured = shortBucket(ctx.env.COS_BUCKET ?? LOCAL_DEV_BUCKET, appid);
  const bucket = input.bucket !== undefined ? shortBucket(input.bucket, appid) : configured;
  const now = ctx.clock.nowS();
  const expiresS = Math.min(ctx.env.COS_SIG_EXPIRE_S, WRITE_SIG_MAX_S);
  // Multi-effect: expires, bound to the bare path when one is given (as the 2017 demo did). Once: e=0 and the fileid.
  const filePath = input.filePath ?? '';
  const sign =
    input.type === 0
      ? cosV4Sign({
          appid,
          bucket,
          secretId,
          secretKey,
          expire: now + expiresS,
          now,
          random: ctx.random.int(2 ** 32),
          fileId: filePath,
        })
      : cosV4Sign({
          appid,
          bucket,
          secretId,
          secretKey,
          expire: 0,
          now,
          random: ctx.random.int(2 ** 32),
          fileId: cosV4FileId(appid, bucket, filePath),
        });
  const reply: CosSignReply = {
    sign,
    bucket,
    region: input.bucket !== undefined ? '' : (ctx.env.COS_REGION ?? ''),
    preview_tag: ctx.env.COS_PREVIEW_TAG,
  };
  if (key === undefined) return reply;

  // Upload credentials (v5) live as long as the v4 signature (at most WRITE_SIG_MAX_S).
  const uploadExpiresS = Math.max(expiresS, 1);
  const keyTime = `${now};${now + uploadExpiresS}`;
  const v5 = (host: string) =>
    COS.getAuthorization({
      SecretId: secretId,
      SecretKey: secretKey,
      Method: 'put',
      Key: key,
      Headers: { Host: host },
      KeyTime: keyTime,
    });
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
