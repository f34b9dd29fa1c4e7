/**
 * Maps a moment of the class (unix seconds) to a place in the recordings: which segment, and how far into it.
 * Recordings are wall-clock spans [startTime, endTime]; a moment inside one seeks there, a moment in a gap between
 * two jumps to the start of the next, before the first to its start, after the last to its end. `coveredTarget` is
 * the strict answer: where the video shows that moment, or null when no recording covers it (the player greys such
 * timeline events and says so instead of jumping elsewhere).
 */
export interface Segment {
  startTime: number;
  endTime: number;
  /** Seconds of media; 0 when unknown (then the wall-clock span is used). */
  duration: number;
}

export interface SeekTarget {
  index: number;
  offsetS: number;
}

function length(s: Segment): number {
  return s.duration > 0 ? s.duration : Math.max(0, s.endTime - s.startTime);
}

/** `segments` must be in time order (as the server returns them). Null when there is no recording. */
export function seekTarget(segments: Segment[], at: number): SeekTarget | null {
  if (segments.length === 0) return null;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (at < s.startTime) return { index: i, offsetS: 0 };
    if (at <= s.endTime) return { index: i, offsetS: Math.min(at - s.startTime, length(s)) };
  }
  const last = segments.length - 1;
  return { index: last, offsetS: length(segments[last]!) };
}

/**
 * Where the video shows the moment `at`, or null when no recording covers it: before the first, in a gap, after the
 * last, or past the media's end when the wall-clock span is longer than the media. Boundaries are covered.
 */
export function coveredTarget(segments: Segment[], at: number): SeekTarget | null {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (at >= s.startTime && at <= s.endTime && at - s.startTime <= length(s))
      return { index: i, offsetS: at - s.startTime };
  }
  return null;
}

/** Whether some recording shows the moment `at` (see coveredTarget). */
export function isCovered(segments: Segment[], at: number): boolean {
  return coveredTarget(segments, at) !== null;
}

/** The class moment being shown: inverse of seekTarget, for highlighting the current timeline item. */
export function momentOf(segments: Segment[], index: number, offsetS: number): number | null {
  const s = segments[index];
  return s ? s.startTime + offsetS : null;
}
