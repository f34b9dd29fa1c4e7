'use client';
/**
 * Drag-and-drop or picker upload, straight to object storage: ask the server for a presigned PUT (it checks type and
 * size first), send the bytes with XMLHttpRequest showing a real <progress> bar, then hand the finished upload to
 * `onUploaded` (bind as courseware, or use as a cover), which the server checks again against the stored object.
 */
import { useMutation } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { MessageKey } from '@/server/i18n/translate';
import { useI18n } from '../_i18n/provider';
import { putWithProgress } from '../_lib/xhr-upload';
import { useTRPC } from '../_trpc/client';
import { UploadError, useErrorText } from './error-message';

export interface FinishedUpload {
  key: string;
  fileName: string;
  mime: string;
  url: string;
}

interface Item {
  id: number;
  name: string;
  progress: number;
  status: 'signing' | 'uploading' | 'saving' | 'done' | 'error';
  error?: unknown;
}

const STATUS_KEYS: Record<Item['status'], MessageKey> = {
  signing: 'upload.signing',
  uploading: 'upload.uploading',
  saving: 'upload.saving',
  done: 'upload.done',
  error: 'upload.failed',
};

export function Uploader(props: {
  purpose: 'courseware' | 'cover';
  roomnum: number;
  accept: string;
  multiple?: boolean;
  onUploaded: (u: FinishedUpload) => Promise<unknown>;
}) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const trpc = useTRPC();
  const inputId = useId();
  const hintId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const nextId = useRef(1);
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);
  const requestUpload = useMutation(trpc.courseware.requestUpload.mutationOptions());

  const patch = (id: number, p: Partial<Item>) => setItems((list) => list.map((it) => (it.id === id ? { ...it, ...p } : it)));

  async function upload(file: File) {
    const id = nextId.current++;
    setItems((list) => [...list, { id, name: file.name, progress: 0, status: 'signing' }]);
    try {
      const ticket = await requestUpload.mutateAsync({ purpose: props.purpose, roomnum: props.roomnum, fileName: file.name, mime: file.type, size: file.size });
      patch(id, { status: 'uploading' });
      const headers = { ...ticket.headers };
      try {
        await putWithProgress({ url: ticket.url, method: ticket.method, headers }, file, (f) => patch(id, { progress: Math.round(f * 100) }));
      } catch (e) {
        throw new UploadError((e as Error).message === 'rejected' ? 'upload.rejected' : 'upload.networkError');
      }
      patch(id, { status: 'saving', progress: 100 });
      await props.onUploaded({ key: ticket.key, fileName: file.name, mime: file.type, url: ticket.url.split('?')[0]! });
      patch(id, { status: 'done' });
    } catch (e) {
      patch(id, { status: 'error', error: e });
    }
  }

  function take(files: FileList | null) {
    if (!files) return;
    const list = props.multiple ? [...files] : [...files].slice(0, 1);
    for (const f of list) void upload(f);
  }

  return (
    <div className="stack">
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          take(e.dataTransfer.files);
        }}
      >
        <p id={hintId} style={{ margin: '0 0 0.5rem' }}>
          {props.purpose === 'cover' ? t('upload.coverHint') : t('upload.dropHint')}
        </p>
        <label htmlFor={inputId} className="button">
          {t('upload.choose')}
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          className="visually-hidden"
          accept={props.accept}
          multiple={props.multiple}
          aria-describedby={hintId}
          data-testid="file-input"
          onChange={(e) => {
            take(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {items.length > 0 && (
        <ul aria-label={t('upload.listLabel')} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {items.map((it) => (
            <li key={it.id} className="upload-item" data-testid="upload-item" data-status={it.status}>
              <span>{it.name}</span>
              <span className="small" aria-live="polite">
                {t(STATUS_KEYS[it.status])} {it.status === 'uploading' || it.status === 'saving' || it.status === 'done' ? `${it.progress}%` : ''}
              </span>
              <progress max={100} value={it.progress} aria-label={t('upload.progressOf', { name: it.name })} data-testid="upload-progress" />
              {it.status === 'error' && (
                <p className="alert error small" role="alert" data-testid="error-message" style={{ gridColumn: '1 / -1', margin: 0 }}>
                  {errorText(it.error)}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What the picker offers; the server decides (by extension and MIME) either way. */
export const COURSEWARE_ACCEPT = '.pdf,.ppt,.pptx,.doc,.docx,.png,.jpg,.jpeg,.gif,.webp,.mp4';
export const IMAGE_ACCEPT = '.png,.jpg,.jpeg,.gif,.webp';
