import type { Clock } from "./clock.ts";
import { systemClock } from "./clock.ts";
import type { Logger } from "./logger.ts";

export interface LogGateOptions {
  /** Lines per reason per window (default 1). */
  perWindow?: number;
  /** Window length (default one minute). */
  windowMs?: number;
  clock?: Clock;
  /** Distinct reasons remembered; beyond this the oldest are forgotten (bounded memory). */
  maxReasons?: number;
}

/**
 * A per-reason rate gate for warnings that anyone on the internet can trigger (unsigned
 * requests, junk bodies): without it each request added a warn line (2,277 in 35 s of junk).
 * The first line per reason in a window is written; the rest are counted, and the count rides
 * on the next line written for that reason as `suppressed`. The reason must be a code chosen
 * by our code, never a value from the request.
 */
export class LogGate {
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #clock: Clock;
  readonly #maxReasons: number;
  readonly #windows = new Map<string, { start: number; written: number; suppressed: number }>();

  constructor(options: LogGateOptions = {}) {
    this.#perWindow = options.perWindow ?? 1;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#clock = options.clock ?? systemClock;
    this.#maxReasons = options.maxReasons ?? 256;
  }

  /** Writes `logger[level](msg, {reason, ...fields})` unless this reason used its lines in this window. */
  write(
    logger: Logger,
    level: "debug" | "info" | "warn",
    msg: string,
    reason: string,
    fields: Record<string, unknown> = {},
  ): boolean {
    const now = this.#clock.now();
    let window = this.#windows.get(reason);
    if (!window || now - window.start >= this.#windowMs) {
      const suppressed = window?.suppressed ?? 0;
      if (!window && this.#windows.size >= this.#maxReasons) {
        const oldest = this.#windows.keys().next().value;
        if (oldest !== undefined) this.#windows.delete(oldest);
      }
      window = { start: now, written: 0, suppressed };
      this.#windows.set(reason, window);
    }
    if (window.written >= this.#perWindow) {
      window.suppressed++;
      return false;
    }
    window.written++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    logger[level](msg, { reason, ...fields, ...(suppressed > 0 ? { suppressed } : {}) });
    return true;
  }
}
