/**
 * The words-to-instant parsing lives in src/core/local-time.ts, so write actions in tools/ and
 * the offline model in chains/ read "Thursday 2pm" exactly as reminders do.
 */
export { DEFAULT_HOUR, formatWhen, localInstant, type ParsedWhen, parseWhen } from "../core/local-time.ts";
