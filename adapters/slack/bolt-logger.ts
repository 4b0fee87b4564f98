import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../src/core/logger.ts";

/**
 * Bolt and the WebClient log through this. Their debug lines include request bodies (message
 * text), so debug is dropped; other lines keep only strings and error names/codes.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  let name = "bolt";
  const split = (parts: unknown[]) => {
    const text = parts.filter((p) => typeof p === "string").join(" ");
    const error = parts.find((p) => p instanceof Error);
    return { msg: text || "slack sdk", fields: error ? { source: name, error } : { source: name } };
  };
  return {
    debug: () => {},
    info: (...parts: unknown[]) => {
      const { msg, fields } = split(parts);
      logger.info(msg, fields);
    },
    warn: (...parts: unknown[]) => {
      const { msg, fields } = split(parts);
      logger.warn(msg, fields);
    },
    error: (...parts: unknown[]) => {
      const { msg, fields } = split(parts);
      logger.error(msg, fields);
    },
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}
