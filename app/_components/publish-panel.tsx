'use client';
/**
 * The teacher's sharing card for an ended course's replay: who can watch it (only the students who attended, or the
 * whole class list, absent students too, each with how many students it reaches) and the publish switch. Publishing
 * and withdrawing ask first; once published, picking the other audience applies at once and says so in a toast.
 * The server decides who may watch (services/playback-access.ts); this only shows and sets the choice.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { useI18n } from '../_i18n/provider';
import { useTRPC } from '../_trpc/client';
import type { PlaybackAudience, PlaybackReview } from '../_trpc/types';
import { ConfirmButton } from './confirm-dialog';
import { ErrorMessage } from './error-message';
import { useToast } from './toast';

const AUDIENCES: readonly PlaybackAudience[] = ['attendees', 'class'];

export function PublishPanel({ roomnum, review }: { roomnum: number; review: PlaybackReview }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const name = useId();
  // The teacher's pick, shown at once; until they pick, what is stored.
  const [picked, setPicked] = useState<PlaybackAudience | null>(null);
  const publish = useMutation(
    trpc.playback.setPublished.mutationOptions({
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.playback.pathKey() }),
      onError: () => setPicked(null),
      onSuccess: (r) =>
        toast(
          t(!r.published ? 'toast.unpublished' : r.audience === 'class' ? 'toast.publishedClass' : 'toast.published'),
        ),
    }),
  );
  const { published, reach } = review;
  const audience = picked ?? review.audience;
  const choose = (a: PlaybackAudience) => {
    setPicked(a);
    // A published replay changes audience now; an unpublished one takes the pick when it is published.
    if (published) publish.mutate({ roomnum, published: true, audience: a });
  };
  const noRecording = review.playback === 'none' || review.playback === 'waiting';

  return (
    <section className="card" aria-labelledby="publish-h">
      <h2 id="publish-h">{t('publish.title')}</h2>
      <ErrorMessage error={publish.error} action="publish" />
      {/* Nothing to publish without a recording (the server refuses too); a published one can still be withdrawn. */}
      {noRecording && !published ? (
        review.playback === 'waiting' ? (
          <p className="muted" data-testid="waiting-recording-note">
            {t('state.waitingRecording')}
          </p>
        ) : (
          <p className="muted" data-testid="no-recording-note">
            {t('course.noRecordingNote')}
          </p>
        )
      ) : (
        <>
          <p className="muted" data-testid="publish-state" data-published={published} data-audience={review.audience}>
            {t(
              !published
                ? 'publish.isPrivate'
                : review.audience === 'class'
                  ? 'publish.isPublishedClass'
                  : 'publish.isPublished',
            )}
          </p>
          <fieldset className="audience" data-testid="publish-audience" disabled={publish.isPending}>
            <legend>{t('publish.audienceLegend')}</legend>
            {AUDIENCES.map((a) => (
              <label key={a} className="choice">
                <input
                  type="radio"
                  name={name}
                  value={a}
                  checked={audience === a}
                  onChange={() => choose(a)}
                  data-testid={`audience-${a}`}
                />
                {t(a === 'class' ? 'publish.audience.class' : 'publish.audience.attendees', { n: reach[a] })}
              </label>
            ))}
            <p className="hint">
              {t('publish.audience.classHint')} <Link href="/students">{t('publish.editClassList')}</Link>
            </p>
          </fieldset>
          <ConfirmButton
            label={t(
              published ? 'publish.unpublish' : audience === 'class' ? 'publish.publishClass' : 'publish.publish',
            )}
            title={t(published ? 'publish.unpublishTitle' : 'publish.publishTitle')}
            body={
              published
                ? t('publish.unpublishBody')
                : t(audience === 'class' ? 'publish.publishClassBody' : 'publish.publishBody', { n: reach[audience] })
            }
            confirmLabel={t(
              published ? 'publish.unpublish' : audience === 'class' ? 'publish.publishClass' : 'publish.publish',
            )}
            onConfirm={() =>
              publish.mutate(published ? { roomnum, published: false } : { roomnum, published: true, audience })
            }
            primary={!published}
            pressed={published}
            disabled={publish.isPending}
            testId="publish-toggle"
          />
        </>
      )}
    </section>
  );
}
