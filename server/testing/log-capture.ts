/**
 * Log lines captured in memory, for tests that assert what the server logged: give `sink` to createLogger as its
 * destination and read the parsed JSON lines from `lines` (clear it with `lines.length = 0`).
 */
import { Writable } from 'node:stream';

interface LogCapture {
  /** Every line written so far, parsed, in order. */
  lines: Record<string, unknown>[];
  sink: Writable;
}

export function captureLogs(): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      // One chunk may hold several lines, or a line may be the whole chunk: split on newlines either way.
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, sink };
}
