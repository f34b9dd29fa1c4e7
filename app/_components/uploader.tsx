'use client';
/**
 * Drag-and-drop or picker upload, straight to object storage: ask the server for a presigned PUT (it checks type and
 * size first), send the bytes with XMLHttpRequest showing a real <progress> bar, then hand the finished upload to
 * `onUploaded` (bind as courseware, or use as a cover), which the server checks again against the stored object.
 * What may be uploaded (types, size limit) comes from the server (courseware.uploadRules): the hint, the picker's
 * `accept` and every refusal name it. Empty files are refused here before asking (the server refuses them too).
 * Finished rows leave the list after DONE_CLEAR_MS; failed ones stay until the next upload.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { MessageKey } from '@/server/i18n/translate';
import { useI18n } from '../_i18n/provider';
import { extensionsLabel, formatBytes } from '../_lib/format';
import { putWithProgress } from '../_lib/xhr-upload';
import { useTRPC } from '../_trpc/client';
import { appCodeOf, UploadError, useErrorText } from './error-message';

/** How long a finished upload row stays before it clears itself. */
const DONE_CLEAR_MS = 4000;

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

/** "PDF, PPT(X), DOC(X), images, MP4 — up to 500 MB" from the server's rules (only images for a cover). */
function useRulesText(purpose: 'courseware' | 'cover') {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const rules = useQuery({ ...trpc.courseware.uploadRules.queryOptions(), staleTime: Infinity });
  if (!rules.data) return { text: '', limit: '', accept: undefined };
  const kinds = rules.data.kinds.filter((k) => purpose === 'courseware' || k.kind === 'image');
  const types = kinds
    .map((k) => (k.kind === 'image' ? t('upload.kindImages') : extensionsLabel(k.extensions)))
    .join(', ');
  const limit = formatBytes(rules.data.maxBytes, locale);
  return {
    text: t('upload.rules', { types, limit }),
    limit,
    accept: kinds.flatMap((k) => k.extensions.map((e) => `.${e}`)).join(','),
  };
}

export function Uploader(props: {
  purpose: 'courseware' | 'cover';
  roomnum: number;
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
  const rules = useRulesText(props.purpose);

  const patch = (id: number, p: Partial<Item>) =>
    setItems((list) => list.map((it) => (it.id === id ? { ...it, ...p } : it)));

  // Finished rows clear themselves: the list shows what is still going on (and what failed).
  const doneIds = items
    .filter((it) => it.status === 'done')
    .map((it) => it.id)
    .join(',');
  useEffect(() => {
    if (!doneIds) return;
    const ids = new Set(doneIds.split(',').map(Number));
    const h = setTimeout(() => setItems((list) => list.filter((it) => !ids.has(it.id))), DONE_CLEAR_MS);
    return () => clearTimeout(h);
  }, [doneIds]);

  /** A refusal names the file and, for type or size, what is allowed. */
  function itemError(it: Item): string {
    const code = appCodeOf(it.error);
    if (code === 'BAD_INPUT') return t('upload.notAllowed', { name: it.name, rules: rules.text });
    if (code === 'TOO_LARGE') return t('upload.tooLarge', { name: it.name, limit: rules.limit });
    return errorText(it.error, props.purpose === 'courseware' ? 'files' : undefined);
  }

  async function upload(file: File) {
    const id = nextId.current++;
    setItems((list) => [...list, { id, name: file.name, progress: 0, status: 'signing' }]);
    try {
      if (file.size === 0) throw new UploadError('upload.empty', { name: file.name, rules: rules.text });
      const ticket = await requestUpload.mutateAsync({
        purpose: props.purpose,
        roomnum: props.roomnum,
        fileName: file.name,
        mime: file.type,
        size: file.size,
      });
      patch(id, { status: 'uploading' });
      const headers = { ...ticket.headers };
      try {
        await putWithProgress({ url: ticket.url, method: ticket.method, headers }, file, (f) =>
          patch(id, { progress: Math.round(f * 100) }),
        );
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
          {rules.text && (
            <span className="small muted upload-rules" data-testid="upload-rules">
              {rules.text}
            </span>
          )}
        </p>
        <label htmlFor={inputId} className="button">
          {t('upload.choose')}
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          className="visually-hidden"
          accept={rules.accept}
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
                {t(STATUS_KEYS[it.status])}{' '}
                {it.status === 'uploading' || it.status === 'saving' || it.status === 'done' ? `${it.progress}%` : ''}
              </span>
              <progress
                max={100}
                value={it.progress}
                aria-label={t('upload.progressOf', { name: it.name })}
                data-testid="upload-progress"
              />
              {it.status === 'error' && (
                <p
                  className="alert error small"
                  role="alert"
                  data-testid="error-message"
                  style={{ gridColumn: '1 / -1', margin: 0 }}
                >
                  {itemError(it)}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
