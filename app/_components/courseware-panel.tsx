'use client';
/**
 * Courseware of a course (roomnum > 0) or of the teacher's library (0: every file of the teacher's, from all their
 * courses too, once each): upload, list (name, type, size, uploader, time), inline preview for PDF, images and video,
 * unbind. Names render as text only. All columns stay on a phone: the table scrolls sideways (see globals.css).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useI18n } from '../_i18n/provider';
import { formatBytes, previewKind, typeLabel } from '../_lib/format';
import { useTRPC } from '../_trpc/client';
import { ConfirmButton } from './confirm-dialog';
import { ErrorMessage } from './error-message';
import { useToast } from './toast';
import { Uploader } from './uploader';
import { ScrollTable } from './scroll-table';

interface FileRow {
  id: number;
  fileName: string;
  url: string;
  size: number;
  mime: string;
  uploader: string;
  createdAt: number;
  /** Can be unbound from this list (a library entry that only lives in courses cannot). */
  removable: boolean;
}

function Preview({ file }: { file: FileRow }) {
  const { t } = useI18n();
  const kind = previewKind(file.mime, file.url);
  if (kind === 'pdf')
    return <iframe src={file.url} title={t('files.previewOf', { name: file.fileName })} data-testid="file-preview" />;
  // eslint-disable-next-line @next/next/no-img-element -- user content from storage, not an optimisable asset
  if (kind === 'image') return <img src={file.url} alt={file.fileName} data-testid="file-preview" />;
  if (kind === 'video')
    return <video src={file.url} controls preload="metadata" aria-label={file.fileName} data-testid="file-preview" />;
  return <p className="muted">{t('files.noPreview')}</p>;
}

export function CoursewarePanel({ roomnum, editable }: { roomnum: number; editable: boolean }) {
  const { t, dateTime, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState<number | null>(null);
  const list = useQuery(trpc.courseware.list.queryOptions({ roomnum, page: 1, pageSize: 50 }));
  // Any change here also changes the library (which lists course files): refresh every file list.
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.courseware.list.pathKey() });
  const bind = useMutation(trpc.courseware.bind.mutationOptions({ onSettled: invalidate }));
  const unbind = useMutation(
    trpc.courseware.unbind.mutationOptions({ onSettled: invalidate, onSuccess: () => toast(t('toast.fileRemoved')) }),
  );
  const attach = useMutation(
    trpc.courseware.attachFromLibrary.mutationOptions({
      onSettled: invalidate,
      onSuccess: () => toast(t('toast.fileAttached')),
    }),
  );

  return (
    <div className="stack">
      {editable && (
        <Uploader
          purpose="courseware"
          roomnum={roomnum}
          multiple
          onUploaded={(u) => bind.mutateAsync({ roomnum, key: u.key, fileName: u.fileName, mime: u.mime })}
        />
      )}
      {editable && roomnum > 0 && (
        <FromLibrary
          onAttach={(fileId) => attach.mutate({ roomnum, fileId })}
          pending={attach.isPending}
          here={new Set(list.data?.files.map((f) => f.url))}
        />
      )}
      <ErrorMessage error={list.error ?? unbind.error ?? attach.error} action="files" />
      {list.data && list.data.files.length === 0 && <p className="muted">{t('files.empty')}</p>}
      {list.data && list.data.files.length > 0 && (
        <ScrollTable
          label={t('files.tableLabel')}
          testId="file-table"
          columns={[
            t('files.name'),
            t('files.type'),
            t('files.size'),
            t('files.uploader'),
            t('files.time'),
            <span className="visually-hidden">{t('files.actions')}</span>,
          ]}
        >
          {list.data.files.map((f) => (
            <FileTableRow
              key={f.id}
              f={f}
              open={open === f.id}
              onToggle={() => setOpen(open === f.id ? null : f.id)}
              size={formatBytes(f.size, locale)}
              time={dateTime(f.createdAt)}
              onUnbind={editable && f.removable ? () => unbind.mutate({ roomnum, url: f.url }) : undefined}
            />
          ))}
        </ScrollTable>
      )}
      {list.data && list.data.total > list.data.files.length && (
        <p className="muted small">{t('files.more', { n: list.data.total - list.data.files.length })}</p>
      )}
    </div>
  );
}

function FileTableRow({
  f,
  open,
  onToggle,
  size,
  time,
  onUnbind,
}: {
  f: FileRow;
  open: boolean;
  onToggle: () => void;
  size: string;
  time: string;
  onUnbind?: () => void;
}) {
  const { t } = useI18n();
  const canPreview = previewKind(f.mime, f.url) !== null;
  return (
    <>
      <tr data-testid="file-row">
        <td>
          <a href={f.url} target="_blank" rel="noopener noreferrer">
            {f.fileName}
          </a>
        </td>
        <td>{typeLabel(f.fileName)}</td>
        <td className="nowrap">{size}</td>
        <td>{f.uploader}</td>
        <td className="nowrap">{time}</td>
        <td>
          <span className="row">
            {canPreview && (
              <button type="button" aria-expanded={open} onClick={onToggle} data-testid="preview-toggle">
                {open ? t('files.hidePreview') : t('files.preview')}
              </button>
            )}
            {onUnbind && (
              <ConfirmButton
                label={t('files.unbind')}
                title={t('files.unbindTitle')}
                body={t('files.unbindBody', { name: f.fileName })}
                confirmLabel={t('files.unbind')}
                onConfirm={onUnbind}
                danger
              />
            )}
          </span>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={6} className="preview">
            <Preview file={f} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Pick a file from the teacher's library (any course's files too) not yet in this course, and attach it. */
function FromLibrary({
  onAttach,
  pending,
  here,
}: {
  onAttach: (fileId: number) => void;
  pending: boolean;
  here: Set<string>;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('');
  const lib = useQuery({ ...trpc.courseware.list.queryOptions({ roomnum: 0, page: 1, pageSize: 50 }), enabled: open });
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('files.fromLibrary')}</summary>
      {lib.data && choices(lib.data.files, here).length === 0 && <p className="muted">{t('files.libraryEmpty')}</p>}
      {lib.data && choices(lib.data.files, here).length > 0 && (
        <form
          className="row"
          style={{ marginTop: '0.5rem' }}
          onSubmit={(e) => {
            e.preventDefault();
            if (choice) onAttach(Number(choice));
          }}
        >
          <label htmlFor="library-pick" className="visually-hidden">
            {t('files.libraryPick')}
          </label>
          <select id="library-pick" value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">{t('files.libraryPick')}</option>
            {choices(lib.data.files, here).map((f) => (
              <option key={f.id} value={f.id}>
                {f.fileName}
              </option>
            ))}
          </select>
          <button type="submit" disabled={!choice || pending}>
            {t('files.attach')}
          </button>
        </form>
      )}
    </details>
  );
}

function choices<F extends { url: string }>(files: F[], here: Set<string>): F[] {
  return files.filter((f) => !here.has(f.url));
}
