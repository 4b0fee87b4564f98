/** Injectable time source (vercel/chat style) so expiry, schedules and the demo are testable. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function fixedClock(start: number | string | Date): Clock & { set(t: number): void; advance(ms: number): void } {
  let current = typeof start === "number" ? start : new Date(start).getTime();
  return {
    now: () => current,
    set: (t) => {
      current = t;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
