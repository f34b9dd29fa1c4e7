/** Injected time source: services never call Date.now() so tests can pin and move time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  nowMs(): number;
  /** Whole seconds since the epoch. */
  nowS(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  nowS: () => Math.floor(Date.now() / 1000),
};

/** A clock tests set and advance by hand. */
export function fixedClock(startS: number): Clock & { set(s: number): void; advance(s: number): void } {
  let ms = startS * 1000;
  return {
    nowMs: () => ms,
    nowS: () => Math.floor(ms / 1000),
    set: (s) => {
      ms = s * 1000;
    },
    advance: (s) => {
      ms += s * 1000;
    },
  };
}
