/**
 * Structured JSON logs (pino) on stderr. Secrets, tokens and message bodies never reach the
 * logs: pino's redact paths cover the known header locations, and every field and message goes
 * through log-redact.ts (sensitive key names at any depth, token shapes inside any string).
 *
 * The `Logger` interface is daybook's own so call sites and test fakes do not depend on pino.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";
import { redact, scrub } from "./log-redact.ts";
import { traceLogFields } from "./tracing.ts";

export { redact, scrub } from "./log-redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where each JSON line goes (without the newline); stderr by default. */
  write?: (line: string) => void;
  /** Fields on every line of this logger and its children. */
  base?: Record<string, unknown>;
}

/**
 * Test seam: when the test setup (test/support/scan-setup.ts) puts a function under this key
 * before any logger exists, every logger also hands it every line at every level, so the suite
 * can scan all log output for secrets, including that of loggers created silent.
 */
const tapKey = Symbol.for("daybook.log-tap");
type Tap = (line: string) => void;

/**
 * Where request objects keep credentials, removed by pino before our own pass (defence in depth
 * for a key our patterns might not name). No leading wildcards: pino's redaction clones what a
 * path can reach, and `*.headers…` made every line cost about 30 µs more (50k-line bench).
 */
const redactPaths = [
  "headers.authorization",
  "headers.cookie",
  'headers["x-slack-signature"]',
  "req.headers.authorization",
  "request.headers.authorization",
  "config.headers.Authorization",
  "error.config.headers.Authorization",
];

function stream(write: (line: string) => void): DestinationStream {
  return { write: (chunk: string) => write(chunk.endsWith("\n") ? chunk.slice(0, -1) : chunk) };
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const tap = (globalThis as Record<symbol, unknown>)[tapKey] as Tap | undefined;
  const destination: DestinationStream =
    typeof tap === "function"
      ? pino.multistream([
          ...(level === "silent" ? [] : [{ level, stream: stream(write) }]),
          { level: "debug", stream: stream(tap) },
        ])
      : stream(write);
  const root = pino(
    {
      level: typeof tap === "function" ? "debug" : level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths, censor: "[redacted]" },
      // trace_id/span_id of the active span (tracing on), so a line and its trace find each other.
      mixin: traceLogFields,
    },
    destination,
  );
  return wrap(root, options.base ? (redact(options.base) as Record<string, unknown>) : {});
}

/**
 * Child fields are kept here rather than as pino bindings: a child's field and a line's field of
 * the same name (a turn's `component` and a tool's) then make one key, the line's winning, as
 * the hand-written logger had it, instead of the same key twice in one JSON object.
 */
function wrap(p: PinoLogger, bindings: Record<string, unknown>): Logger {
  const emit = (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(level)) return;
    // msg goes first among the line's own fields (as the hand-written logger wrote it), so a
    // reader or a regex finds "msg":"…" ahead of the details.
    p[level]({ msg: scrub(msg), ...bindings, ...(fields ? (redact(fields) as Record<string, unknown>) : {}) });
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => wrap(p, { ...bindings, ...(redact(fields) as Record<string, unknown>) }),
  };
}

export const silentLogger: Logger = createLogger({ level: "silent" });
