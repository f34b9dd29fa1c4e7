'use client';
/**
 * The teacher's recordings of an ended course: a poster frame of each (grabbed in the browser from the video's first
 * frame into a canvas; nothing is uploaded), a download link (this server's /storage/ objects with `?download=1` so
 * they arrive as attachments) and delete behind a confirmation. Deleting rebuilds the playback index on the server.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useI18n } from '../_i18n/provider';
import { formatDuration } from '../_lib/format';
import { useTRPC } from '../_trpc/client';
import { ConfirmButton } from './confirm-dialog';
import { ErrorMessage } from './error-message';
import { useToast } from './toast';

interface Segment {
  recordingId: number;
  videoUrl: string;
  startTime: number;
  duration: number;
}

/** The link target of a download: our own storage answers `?download=1` with Content-Disposition: attachment. */
function downloadHref(url: string): string {
  try {
    const u = new URL(url, window.location.href);
    if (u.origin === window.location.origin && u.pathname.startsWith('/storage/')) u.searchParams.set('download', '1');
    return u.toString();
  } catch {
    return url;
  }
}

/** A data: URL of the video's first frame, or null when the browser cannot read it (other origins taint the canvas). */
function usePoster(url: string): string | null {
  const [poster, setPoster] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    const v = document.createElement('video');
    v.muted = true;
    v.preload = 'auto';
    v.crossOrigin = 'anonymous';
    const grab = () => {
      try {
        const c = document.createElement('canvas');
        c.width = 160;
        c.height = Math.max(1, Math.round((160 * (v.videoHeight || 9)) / (v.videoWidth || 16)));
        c.getContext('2d')?.drawImage(v, 0, 0, c.width, c.height);
        if (!cancelled) setPoster(c.toDataURL('image/jpeg', 0.7));
      } catch {
        // Tainted canvas (a video from another origin without CORS): no poster, the list still works.
      }
      v.removeAttribute('src');
      v.load();
    };
    v.addEventListener('loadeddata', grab, { once: true });
    v.src = url;
    return () => {
      cancelled = true;
      v.removeEventListener('loadeddata', grab);
      v.removeAttribute('src');
    };
  }, [url]);
  return poster;
}

/** `lastOfPublished`: deleting this one also unpublishes the replay (the server does it in the same change). */
function RecordingRow({
  roomnum,
  seg,
  n,
  lastOfPublished,
}: {
  roomnum: number;
  seg: Segment;
  n: number;
  lastOfPublished: boolean;
}) {
  const { t, dateTime } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const poster = usePoster(seg.videoUrl);
  const del = useMutation(
    trpc.playback.deleteRecording.mutationOptions({
      onSuccess: (r) => {
        // The row unmounts with the refetch: a toast is what outlives it.
        if (r.unpublished) toast(t('toast.recordingDeletedUnpublished'));
      },
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.playback.pathKey() }),
    }),
  );
  const label = t('rec.item', { n, time: dateTime(seg.startTime), duration: formatDuration(seg.duration) });
  return (
    <li className="rec-row" data-testid="recording-row">
      {poster ? (
        // eslint-disable-next-line @next/next/no-img-element -- a data: URL drawn in this browser
        <img className="rec-poster" src={poster} alt={t('rec.posterAlt', { n })} data-testid="recording-poster" />
      ) : (
        <span className="rec-poster placeholder" aria-hidden="true" />
      )}
      <span className="rec-label">{label}</span>
      <span className="row">
        <a
          className="button"
          href={downloadHref(seg.videoUrl)}
          download
          aria-label={`${t('rec.download')}: ${label}`}
          data-testid="recording-download"
        >
          {t('rec.download')}
        </a>
        <ConfirmButton
          label={t('rec.delete')}
          title={t('rec.deleteTitle')}
          body={t(lastOfPublished ? 'rec.deleteLastBody' : 'rec.deleteBody')}
          confirmLabel={t('rec.delete')}
          danger
          disabled={del.isPending}
          testId="recording-delete"
          onConfirm={() => del.mutate({ roomnum, recordingId: seg.recordingId })}
        />
      </span>
      <ErrorMessage error={del.error} />
      {del.data && !del.data.storageDeleted && <p className="small muted">{t('rec.keptRemote')}</p>}
    </li>
  );
}

export function RecordingsPanel({
  roomnum,
  segments,
  published,
}: {
  roomnum: number;
  segments: Segment[];
  published: boolean;
}) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="rec-h">
      <h2 id="rec-h">{t('rec.title')}</h2>
      {segments.length === 0 ? (
        <p className="muted">{t('rec.none')}</p>
      ) : (
        <ul className="rec-list">
          {segments.map((s, i) => (
            <RecordingRow
              key={s.recordingId}
              roomnum={roomnum}
              seg={s}
              n={i + 1}
              lastOfPublished={published && segments.length === 1}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
