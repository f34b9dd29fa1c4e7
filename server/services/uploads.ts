/**
 * Console uploads: the allowed file types (by extension AND declared MIME), the size limit, presigned direct-to-storage
 * uploads, and confirming an upload (stat the stored object) before it is bound or used as a cover. The file goes
 * straight from the browser to object storage (COS, or this server's /storage route in local mode); the server only
 * signs and checks. Binding goes through courseware.bindFile, so `live/querybind` sees console uploads.
 * Callers: tRPC courseware and course routers.
 */
import { storedRefOfKey, type StoredRef } from '../integrations/storage/stored-ref';
import { randomBytes } from 'node:crypto';
import type { BoundFile } from '../../db/schema';
import type { ServiceCtx } from '../context';
import { AppError } from '../errors';
import { safeObjectKey, SERVER_KEY_PREFIX } from '../integrations/storage/keys';
import type { PresignedPut } from '../integrations/storage/types';
import type { Teacher } from './course-access';
import { assertFilesEditable, bindFile, bindTargetFor, type BindTarget } from './courseware';
import { type Caller } from './schemas';

/** bound_files.type: 0 courseware document/image, 1 video (as the legacy clients use it). */
export const FILE_TYPE = { COURSEWARE: 0, VIDEO: 1 } as const;

type FileKind = 'pdf' | 'ppt' | 'doc' | 'image' | 'video';

interface TypeRule {
  kind: FileKind;
  mimes: readonly string[];
}

/** Extension → what it is and which declared MIME types go with it. */
export const UPLOAD_TYPES: Readonly<Record<string, TypeRule>> = {
  pdf: { kind: 'pdf', mimes: ['application/pdf'] },
  ppt: { kind: 'ppt', mimes: ['application/vnd.ms-powerpoint'] },
  pptx: { kind: 'ppt', mimes: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'] },
  doc: { kind: 'doc', mimes: ['application/msword'] },
  docx: { kind: 'doc', mimes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'] },
  png: { kind: 'image', mimes: ['image/png'] },
  jpg: { kind: 'image', mimes: ['image/jpeg'] },
  jpeg: { kind: 'image', mimes: ['image/jpeg'] },
  gif: { kind: 'image', mimes: ['image/gif'] },
  webp: { kind: 'image', mimes: ['image/webp'] },
  mp4: { kind: 'video', mimes: ['video/mp4'] },
};

type UploadPurpose = 'courseware' | 'cover';

/** What the console tells a teacher about uploads: each kind with its extensions (from UPLOAD_TYPES), and the limit. */
export interface UploadRules {
  kinds: { kind: FileKind; extensions: string[] }[];
  maxBytes: number;
}

/** The allowed types grouped by kind, in the table's order, and UPLOAD_MAX_BYTES: the one source for the client. */
export function uploadRules(ctx: ServiceCtx): UploadRules {
  const kinds: UploadRules['kinds'] = [];
  for (const [ext, rule] of Object.entries(UPLOAD_TYPES)) {
    const k = kinds.find((x) => x.kind === rule.kind);
    if (k) k.extensions.push(ext);
    else kinds.push({ kind: rule.kind, extensions: [ext] });
  }
  return { kinds, maxBytes: ctx.env.UPLOAD_MAX_BYTES };
}

/** A presigned upload is valid this long: enough for 500 MB on a slow line. */
const UPLOAD_URL_TTL_S = 2 * 3600;

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** The file's kind, if its extension and declared MIME agree and the purpose allows it. Throws BAD_INPUT. */
function classifyFile(fileName: string, mime: string, purpose: UploadPurpose): FileKind {
  const ext = extensionOf(fileName);
  const rule = UPLOAD_TYPES[ext];
  if (!rule) throw new AppError('BAD_INPUT', `file type .${ext || '?'} is not allowed`, { reason: 'type' });
  const declared = mime.split(';')[0]!.trim().toLowerCase();
  if (!rule.mimes.includes(declared)) {
    throw new AppError('BAD_INPUT', `declared type "${declared}" does not match .${ext}`, { reason: 'mime' });
  }
  if (purpose === 'cover' && rule.kind !== 'image')
    throw new AppError('BAD_INPUT', 'a cover must be an image', { reason: 'type' });
  return rule.kind;
}

function assertSize(ctx: ServiceCtx, size: number, fileName: string): void {
  // An empty file is never a lesson's material (usually a failed export or a placeholder): say so, by name.
  if (size === 0) throw new AppError('BAD_INPUT', `"${fileName}" is empty (0 bytes)`, { reason: 'empty', fileName });
  if (size > ctx.env.UPLOAD_MAX_BYTES) {
    throw new AppError('TOO_LARGE', `file is larger than ${ctx.env.UPLOAD_MAX_BYTES} bytes`, {
      maxBytes: ctx.env.UPLOAD_MAX_BYTES,
    });
  }
}

/** Where courseware may be uploaded: the library (0) always; a course the caller teaches, before and during a class. */
async function uploadTarget(ctx: ServiceCtx, teacher: Teacher, roomnum: number): Promise<BindTarget> {
  const to = await bindTargetFor(ctx, teacher, roomnum);
  if (to.course) assertFilesEditable(to.course);
  return to;
}

/** Uploads live under the uploader's prefix with a random name; the display name stays in bound_files. */
function uploadPrefix(uid: string): string {
  return `${SERVER_KEY_PREFIX.UPLOADS}${uid}/`;
}

export interface UploadTicket extends PresignedPut {
  key: string;
  maxBytes: number;
}

/**
 * Checks type and size (not empty, within the limit) and, for courseware, that the target is the teacher's library or
 * course, then signs a direct upload of one new object. Throws BAD_INPUT, TOO_LARGE, ROOM_NOT_FOUND, NOT_YOUR_COURSE,
 * COURSE_STATE.
 */
export async function requestUpload(
  ctx: ServiceCtx,
  teacher: Teacher,
  input: { purpose: UploadPurpose; roomnum: number; fileName: string; mime: string; size: number },
): Promise<UploadTicket> {
  classifyFile(input.fileName, input.mime, input.purpose);
  assertSize(ctx, input.size, input.fileName);
  if (input.purpose === 'courseware') await uploadTarget(ctx, teacher, input.roomnum);
  const key = safeObjectKey(
    `${uploadPrefix(teacher.uid)}${randomBytes(12).toString('hex')}.${extensionOf(input.fileName)}`,
  );
  const put = ctx.storage.presignPut(key, { contentType: input.mime, expiresS: UPLOAD_URL_TTL_S });
  return { ...put, key, maxBytes: ctx.env.UPLOAD_MAX_BYTES };
}

/**
 * Confirms an upload the caller made: the key is theirs, the object exists, its size is within the limit and its
 * stored type agrees with the name, and it is not empty. Returns the stored size and the reference to store
 * (`storage:<key>`, built into a URL when answering).
 * Throws BAD_INPUT, NOT_FOUND, TOO_LARGE.
 */
export async function confirmUpload(
  ctx: ServiceCtx,
  caller: Caller,
  input: { key: string; fileName: string; mime: string; purpose: UploadPurpose },
): Promise<{ size: number; stored: StoredRef; kind: FileKind }> {
  const key = safeObjectKey(input.key);
  if (!key.startsWith(uploadPrefix(caller.uid))) throw new AppError('NOT_FOUND', 'no such upload');
  const kind = classifyFile(input.fileName, input.mime, input.purpose);
  // The stored object must carry the same kind of file the name says (the key keeps the uploaded extension).
  if (UPLOAD_TYPES[extensionOf(key)]?.kind !== kind)
    throw new AppError('BAD_INPUT', 'file name does not match the upload', { reason: 'type' });
  const st = await ctx.storage.stat(key);
  if (!st) throw new AppError('NOT_FOUND', 'the upload has not arrived');
  assertSize(ctx, st.size, input.fileName);
  // A generic stored type says nothing (some stores default to it); a specific one must agree with the name.
  if (st.contentType && st.contentType !== 'application/octet-stream')
    classifyFile(input.fileName, st.contentType, input.purpose);
  return { size: st.size, stored: storedRefOfKey(key), kind };
}

/**
 * Binds an uploaded file to a course (or the library) through courseware.bindFile, with its size and MIME.
 * Throws as confirmUpload, plus ROOM_NOT_FOUND, NOT_YOUR_COURSE, COURSE_STATE, FILE_ALREADY_BOUND.
 */
export async function bindUpload(
  ctx: ServiceCtx,
  teacher: Teacher,
  input: { roomnum: number; key: string; fileName: string; mime: string },
): Promise<BoundFile> {
  const to = await uploadTarget(ctx, teacher, input.roomnum);
  const up = await confirmUpload(ctx, teacher, { ...input, purpose: 'courseware' });
  const type = up.kind === 'video' ? FILE_TYPE.VIDEO : FILE_TYPE.COURSEWARE;
  return bindFile(ctx, to, { type, file_name: input.fileName, url: up.stored }, { size: up.size, mime: input.mime });
}
