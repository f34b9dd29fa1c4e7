/**
 * Maps a moment of the class (unix seconds) to a place in the recordings: which segment, and how far into it.
 * Recordings are wall-clock spans [startTime, endTime]; `coveredTarget` answers where the video shows that moment, or
 * null when no recording covers it (the player greys such timeline events and says so instead of jumping elsewhere).
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
