/**
 * Structured JSON logs on stderr. Secrets, tokens and message bodies never reach the logs:
 * fields whose names look sensitive are replaced before writing.
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

const sensitiveKey =
  /(token|secret|password|authorization|cookie|signature|api[_-]?key|text|body|content|prompt|message_body)/i;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

// Token shapes scrubbed from any string value (error messages included): bearer/basic
// credentials, Slack tokens (https://api.slack.com/authentication/token-types), and
// credentials embedded in URLs.
const secretValue =
  /(\b(?:bearer|basic)\s+)[\w.~+/=-]{8,}|\bxox[abprse]-[\w-]+|\bxapp-[\w-]+|(\/\/)[^/\s:@]+:[^/\s@]+@/gi;

function scrub(text: string): string {
  return text.replace(secretValue, (_m, scheme?: string, slashes?: string) =>
    scheme ? `${scheme}[redacted]` : slashes ? `${slashes}[redacted]@` : "[redacted]",
  );
}

const maxDepth = 5;

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object") return value;
  // Deeper than this is never needed to debug and is where headers hide (error.config.headers...).
  if (depth > maxDepth) return "[truncated]";
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    // Error messages of our own errors are written to be log-safe; stacks stay out of chat
    // but are useful in logs. Both are scrubbed for token shapes all the same.
    return {
      name: value.name,
      code,
      message: scrub(value.message),
      stack: value.stack ? scrub(value.stack) : undefined,
    };
  }
  if (Array.isArray(value)) {
    // Node's rawHeaders is a flat [name, value, name, value] list.
    return value.map((v, i) =>
      i > 0 && typeof value[i - 1] === "string" && sensitiveKey.test(value[i - 1] as string)
        ? "[redacted]"
        : redact(v, depth + 1),
    );
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = sensitiveKey.test(k) ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = order[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = options.base ?? {};
  const emit = (level: Exclude<LogLevel, "silent">, msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < threshold) return;
    const record = {
      time: new Date().toISOString(),
      level,
      msg: scrub(msg),
      ...base,
      ...(redact(fields ?? {}) as object),
    };
    write(JSON.stringify(record));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ level: options.level ?? "info", write, base: { ...base, ...fields } }),
  };
}

export const silentLogger: Logger = createLogger({ level: "silent" });
