import type { Logger } from "./logger.ts";

export interface SampleOptions {
  /** Lines with the same message and code written per window before the rest are counted. Default 5. */
  max?: number;
  /** Window length. Default 60 s. */
  windowMs?: number;
  /** Clock, for tests. */
  now?: () => number;
  /** Distinct message+code pairs counted at once; past this the oldest is written out and forgotten. */
  maxKeys?: number;
}

interface Bucket {
  start: number;
  seen: number;
  suppressed: number;
  last: Record<string, unknown> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A logger whose repeated warnings are sampled: the first `max` lines with the same message
 * and `code` in a window are written, the rest are counted and written once as one line with
 * `repeated: n` when the window ends. Junk traffic (unsigned requests, scanners) then costs a
 * few lines a minute instead of one per request. Debug, info and error lines pass unchanged.
 * Children share the counts, so a per-request child does not reset them.
 */
export function sampleWarnings(logger: Logger, options: SampleOptions = {}): Logger {
  return sampled(logger, new Map(), {
    max: options.max ?? 5,
    windowMs: options.windowMs ?? 60_000,
    now: options.now ?? Date.now,
    maxKeys: options.maxKeys ?? 256,
  });
}

function sampled(logger: Logger, buckets: Map<string, Bucket>, o: Required<SampleOptions>): Logger {
  const flush = (key: string, msg: string) => {
    const b = buckets.get(key);
    if (!b) return;
    buckets.delete(key);
    if (b.timer) clearTimeout(b.timer);
    if (b.suppressed > 0) logger.warn(msg, { ...b.last, repeated: b.suppressed, windowMs: o.windowMs });
  };
  return {
    debug: (m, f) => logger.debug(m, f),
    info: (m, f) => logger.info(m, f),
    error: (m, f) => logger.error(m, f),
    warn: (msg, fields) => {
      const key = `${msg}\u0000${String(fields?.code ?? "")}`;
      const now = o.now();
      let b = buckets.get(key);
      if (b && now - b.start >= o.windowMs) {
        flush(key, msg);
        b = undefined;
      }
      if (!b) {
        if (buckets.size >= o.maxKeys) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) flush(oldest, oldest.slice(0, oldest.indexOf("\u0000")));
        }
        b = { start: now, seen: 0, suppressed: 0, last: undefined, timer: undefined };
        buckets.set(key, b);
      }
      b.seen += 1;
      if (b.seen <= o.max) {
        logger.warn(msg, fields);
        return;
      }
      b.suppressed += 1;
      b.last = fields;
      // The count is written when the window ends even if the warning never comes back; the
      // timer must not keep the process alive.
      if (!b.timer) {
        b.timer = setTimeout(() => flush(key, msg), Math.max(0, b.start + o.windowMs - now));
        b.timer.unref?.();
      }
    },
    child: (fields) => sampled(logger.child(fields), buckets, o),
  };
}
