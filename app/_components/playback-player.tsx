'use client';
/**
 * The recordings of a class in order in one native <video>, plus the class timeline: clicking an event loads the
 * recording covering that moment and seeks to it (app/_lib/seek.ts). Events no recording covers are greyed, and
 * clicking one says "no video for this moment" instead of jumping elsewhere. A recording that cannot load (missing
 * file, 404, undecodable) shows an error with a retry instead of a silent player at 0:00. hls.js is loaded only for
 * .m3u8 sources on browsers without native HLS, so ordinary MP4 playback ships none of it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageKey } from '@/server/i18n/translate';
import { useI18n } from '../_i18n/provider';
import { formatDuration } from '../_lib/format';
import { coveredTarget, type Segment } from '../_lib/seek';
import { silenceDuration } from '../_lib/silence';

interface PlayerSegment extends Segment {
  recordingId: number;
  videoUrl: string;
}

/** The timeline items the server sends (services/playback.ts TimelineItem), as far as the player needs them. */
interface PlayerTimelineItem {
  kind: 'start' | 'join' | 'leave' | 'recording' | 'courseware_bound' | 'courseware_unbound' | 'end';
  at: number;
  uid: string;
  role?: number;
  reason?: string;
  fileName?: string;
  duration?: number;
  endAt?: number;
  /** End items: how long the teacher had been silent when the sweeper ended the class (null when unknown). */
  silentS?: number | null;
}

const KIND_KEYS: Record<PlayerTimelineItem['kind'], MessageKey> = {
  start: 'timeline.start',
  join: 'timeline.join',
  leave: 'timeline.leave',
  recording: 'timeline.recording',
  courseware_bound: 'timeline.fileBound',
  courseware_unbound: 'timeline.fileUnbound',
  end: 'timeline.end',
};

type HlsLike = { loadSource(u: string): void; attachMedia(m: HTMLMediaElement): void; destroy(): void };

/** Why the current recording does not play: it has no file, or the file did not load. */
type VideoProblem = 'missing' | 'load';

function isHls(url: string): boolean {
  return /\.m3u8($|\?)/i.test(url);
}

export function PlaybackPlayer({
  segments,
  timeline,
  beginTime,
}: {
  segments: PlayerSegment[];
  timeline: PlayerTimelineItem[];
  beginTime: number;
}) {
  const { t, time } = useI18n();
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<HlsLike | null>(null);
  const pendingSeek = useRef<{ offsetS: number; play: boolean } | null>(null);
  const [index, setIndex] = useState(0);
  const [selected, setSelected] = useState<number | null>(null);
  // A load failure belongs to the source and attempt it happened on: a new source or a retry clears it by itself.
  const [failure, setFailure] = useState<{ source: string; attempt: number } | null>(null);
  /** Bumped by "Try again": the source is attached anew. */
  const [attempt, setAttempt] = useState(0);
  /** The moment of the last clicked event no recording covers (said in a status line), or null. */
  const [uncovered, setUncovered] = useState<number | null>(null);
  const current = segments[index];
  const url = current?.videoUrl;
  const hasCurrent = current !== undefined;
  const setProblem = useCallback(() => setFailure({ source: url ?? '', attempt }), [url, attempt]);
  const problem: VideoProblem | null =
    hasCurrent && !url
      ? 'missing'
      : failure && failure.source === (url ?? '') && failure.attempt === attempt
        ? 'load'
        : null;

  const applyPendingSeek = useCallback(() => {
    const v = videoRef.current;
    const p = pendingSeek.current;
    if (!v || !p || v.readyState < 1) return;
    pendingSeek.current = null;
    v.currentTime = p.offsetS;
    if (p.play) void v.play().catch(() => undefined);
  }, []);

  // Attach the current source: natively, or through a dynamically imported hls.js for HLS where needed.
  useEffect(() => {
    const v = videoRef.current;
    if (!v || !hasCurrent || !url) return;
    let cancelled = false;
    hlsRef.current?.destroy();
    hlsRef.current = null;
    if (isHls(url) && !v.canPlayType('application/vnd.apple.mpegurl')) {
      void import('hls.js').then(({ default: Hls }) => {
        if (cancelled || !Hls.isSupported()) return;
        const hls = new Hls();
        hls.on(Hls.Events.ERROR, (_e, data) => {
          if (data.fatal && !cancelled) setProblem();
        });
        hls.loadSource(url);
        hls.attachMedia(v);
        hlsRef.current = hls;
      });
    } else {
      v.src = url;
      v.load();
    }
    return () => {
      cancelled = true;
    };
  }, [url, hasCurrent, attempt, setProblem]);

  useEffect(() => () => hlsRef.current?.destroy(), []);

  function seekTo(at: number, itemIndex: number) {
    setSelected(itemIndex);
    const target = coveredTarget(segments, at);
    setUncovered(target ? null : at);
    if (!target) return;
    pendingSeek.current = { offsetS: target.offsetS, play: true };
    if (target.index !== index) setIndex(target.index);
    else applyPendingSeek();
  }

  function label(item: PlayerTimelineItem): string {
    if (item.kind === 'end') {
      if (item.reason !== 'timeout') return t('timeline.endByTeacher');
      return item.silentS == null
        ? t('timeline.endByTimeoutUnknown')
        : t('timeline.endByTimeout', { duration: silenceDuration(item.silentS, t) });
    }
    const base = t(KIND_KEYS[item.kind], {
      uid: item.uid,
      name: item.fileName ?? '',
      duration: formatDuration(item.duration ?? 0),
    });
    return item.kind === 'leave' && item.reason === 'timeout' ? `${base} ${t('timeline.timeoutSuffix')}` : base;
  }

  return (
    <div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(300px, 1fr))' }}>
      <div className="player">
        {current ? (
          <>
            <video
              ref={videoRef}
              controls
              preload="metadata"
              playsInline
              data-testid="playback-video"
              data-segment={index}
              aria-label={t('playback.videoLabel', { n: index + 1, total: segments.length })}
              onLoadedMetadata={applyPendingSeek}
              onError={() => setProblem()}
              onEnded={() => {
                // Continue with the next recording, in order.
                if (index + 1 < segments.length) {
                  pendingSeek.current = { offsetS: 0, play: true };
                  setIndex(index + 1);
                }
              }}
            />
            {problem && (
              <div className="alert error row" role="alert" data-testid="video-error" data-problem={problem}>
                <span>{t(problem === 'missing' ? 'playback.videoMissing' : 'playback.videoError')}</span>
                {problem === 'load' && (
                  <button type="button" onClick={() => setAttempt((n) => n + 1)} data-testid="video-retry">
                    {t('playback.retry')}
                  </button>
                )}
              </div>
            )}
            {segments.length > 1 && (
              <div className="segments" role="group" aria-label={t('playback.segments')}>
                {segments.map((s, i) => (
                  <button
                    key={s.recordingId}
                    type="button"
                    aria-pressed={i === index}
                    onClick={() => {
                      pendingSeek.current = { offsetS: 0, play: false };
                      setIndex(i);
                    }}
                  >
                    {t('playback.segment', { n: i + 1, time: time(s.startTime) })}
                  </button>
                ))}
              </div>
            )}
          </>
        ) : (
          <p className="alert info">{t('playback.noRecordings')}</p>
        )}
      </div>
      <div>
        <h3 id="timeline-h">{t('playback.timeline')}</h3>
        <p className="small muted" role="status" data-testid="no-video-notice">
          {uncovered !== null ? t('playback.noVideoHere', { time: time(uncovered) }) : ''}
        </p>
        <ol className="timeline" aria-labelledby="timeline-h" data-testid="timeline">
          {timeline.map((item, i) => {
            const covered = coveredTarget(segments, item.at) !== null;
            return (
              <li key={`${item.kind}-${item.at}-${i}`}>
                <button
                  type="button"
                  className={covered ? undefined : 'uncovered'}
                  onClick={() => seekTo(item.at, i)}
                  aria-current={selected === i ? 'true' : undefined}
                  data-testid="timeline-item"
                  data-kind={item.kind}
                  data-at={item.at}
                  data-covered={covered}
                >
                  <time dateTime={new Date(item.at * 1000).toISOString()}>
                    {time(item.at)} <span className="small">(+{formatDuration(Math.max(0, item.at - beginTime))})</span>
                  </time>
                  <span>
                    {label(item)}
                    {!covered && <span className="small"> ({t('timeline.noVideo')})</span>}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      </div>
    </div>
  );
}
