/**
 * VOD signatures handed to logged-in clients: the API v2 request signature (vod/get_sign) and the client-upload
 * signature (vod/get_client_sign). Signing any request with the server's key would hand the cloud account to every
 * student, so only configured hosts (VOD_SIGN_ALLOWED_HOSTS), the v2 path and configured read-only actions
 * (VOD_SIGN_ALLOWED_ACTIONS) are signed.
 */
import type { ServiceCtx } from '../../context';
import { AppError } from '../../errors';
import { vodV2Sign, vodV2SignSource, type SignatureMethod, type V2Method } from '../../integrations/vod/api-v2-sign';
import { clientUploadSign } from '../../integrations/vod/client-upload-sign';
import { flattenV2Params, readSignatureMethod, V2_PATH, type V2ParamsInput } from '../../integrations/vod/v2-params';

interface VodApiSignInput {
  method: V2Method;
  host: string;
  path: string;
  params: V2ParamsInput;
}

interface VodApiSignReply {
  /** Raw base64 signature (the client URL-encodes it when sending). */
  sign: string;
  SecretId: string;
  SignatureMethod: SignatureMethod;
}

/**
 * Signs a VOD API v2 request for a client. Caller: legacy vod/get_sign.
 * @throws NO_PRIVILEGE host, path or Action not allowed · BAD_INPUT malformed params or SignatureMethod
 */
export function signVodApiRequest(ctx: ServiceCtx, input: VodApiSignInput): VodApiSignReply {
  const host = input.host.toLowerCase();
  if (!ctx.env.VOD_SIGN_ALLOWED_HOSTS.some((h) => h.toLowerCase() === host)) {
    throw new AppError('NO_PRIVILEGE', `host ${host} may not be signed`);
  }
  if (input.path !== V2_PATH) throw new AppError('NO_PRIVILEGE', `only ${V2_PATH} may be signed`);
  const flat = flattenV2Params(input.params);
  const signatureMethod = readSignatureMethod(flat);
  const action = flat.get('Action');
  if (action === undefined || !ctx.env.VOD_SIGN_ALLOWED_ACTIONS.includes(action)) {
    throw new AppError('NO_PRIVILEGE', `action ${action ?? '(none)'} may not be signed`);
  }
  // The server, not the client, says which key signs; a client-sent Signature is never part of the source.
  flat.set('SecretId', ctx.cloud.secretId);
  flat.delete('Signature');
  const src = vodV2SignSource(input.method, host, input.path, flat);
  return {
    sign: vodV2Sign(ctx.cloud.secretKey, signatureMethod, src),
    SecretId: ctx.cloud.secretId,
    SignatureMethod: signatureMethod,
  };
}

/**
 * The VOD client-upload signature, valid COS_SIG_EXPIRE_S (capped at Tencent's 90 days), with the configured task
 * flow / class. Caller: legacy vod/get_client_sign. The nonce comes from ctx.random (tests pin it).
 */
export function signVodClientUpload(ctx: ServiceCtx): { sign: string; SecretId: string } {
  const options: Record<string, string | number> = {};
  if (ctx.env.VOD_UPLOAD_PROCEDURE !== undefined) options.procedure = ctx.env.VOD_UPLOAD_PROCEDURE;
  if (ctx.env.VOD_UPLOAD_CLASS_ID !== undefined) options.classId = ctx.env.VOD_UPLOAD_CLASS_ID;
  const sign = clientUploadSign({
    secretId: ctx.cloud.secretId,
    secretKey: ctx.cloud.secretKey,
    now: ctx.clock.nowS(),
    lifetimeS: ctx.env.COS_SIG_EXPIRE_S,
    random: ctx.random.int(2 ** 32),
    options,
  });
  return { sign, SecretId: ctx.cloud.secretId };
}
