/**
 * What the domain needs from object storage: write an object server-side, hand a client a presigned upload, say where
 * an object is read from, and confirm an object exists (size/type). Implemented by `local.ts` (files under
 * STORAGE_DIR served by this app at /storage/<key>) and `cos.ts` (Tencent COS through cos-nodejs-sdk-v5).
 * Keys are validated by `keys.ts` before any implementation sees them.
 */

export interface PresignedPut {
  url: string;
  method: 'PUT';
  /** Headers the client must send with the upload (they are part of the signature when present). */
  headers: Record<string, string>;
}

export interface StorageProvider {
  readonly name: 'local' | 'tencent';
  /** Server-side write (playback index files, demo data). */
  putObject(key: string, body: Buffer, opts: { contentType: string }): Promise<void>;
  /** Direct client upload: local → `${publicBaseUrl}/storage/<key>?<COS v5 auth>`; tencent → COS presigned PUT. */
  presignPut(key: string, opts: { contentType?: string; expiresS: number }): PresignedPut;
  /**
   * Where the object is read: local → `${base ?? publicBaseUrl}/storage/<key>` (base: the URL the caller reached this
   * server at); tencent → bucket URL (COS_ENDPOINT override), whatever the base.
   */
  publicUrl(key: string, base?: string): string;
  /** Size/type of a stored object, or null (used to confirm an upload before binding). */
  stat(key: string): Promise<{ size: number; contentType: string } | null>;
}

/**
 * A storage backend failed (network, disk, COS error). Deliberately not an AppError: the caller did nothing wrong, so
 * no service maps it; the doors answer it as an internal error and log it (legacy handle.ts toReject: LEGACY.INTERNAL;
 * tRPC: INTERNAL_SERVER_ERROR with the message hidden), and the playback index job records it and retries.
 */
export class StorageError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}
