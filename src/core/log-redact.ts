/**
 * What never reaches a log line: fields whose names look sensitive (tokens, secrets, message
 * bodies) are replaced, and token shapes are scrubbed out of every string, error message and
 * stack. Pino's `redact` paths (logger.ts) cover known header locations; this covers any key
 * at any depth and values that carry a credential inside ordinary text.
 */

import { createHash } from "node:crypto";

/**
 * What a log may say about a value it must not contain (a button value, a message): its length
 * and a short hash, enough to tell two requests apart or match a report, not to read it.
 */
export function fingerprint(value: string): { length: number; sha256: string } {
  return { length: value.length, sha256: createHash("sha256").update(value).digest("hex").slice(0, 12) };
}

/** Field names whose values are never logged: credentials and anything a person wrote. */
export const sensitiveKey =
  /(token|secret|password|passwd|pwd|authorization|cookie|signature|api[_-]?key|credential|text|body|content|prompt|message_body)/i;

/**
 * Token shapes, each with what replaces it. Sources for the shapes:
 * Slack https://api.slack.com/authentication/token-types (xoxb-, xoxp-, xapp-…),
 * GitHub https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats,
 * AWS access key ids https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids,
 * OpenAI-style `sk-…` and Stripe-style `sk_live_…` secret keys, JWTs (RFC 7519: three base64url parts).
 */
const rules: [RegExp, string | ((...groups: string[]) => string)][] = [
  // Authorization schemes: a bearer credential of any length, a basic one (base64) of a few chars.
  [/\b(bearer)(\s+)(?!\[redacted\])[^\s"',;)}\]]+/gi, (_m, scheme, space) => `${scheme}${space}[redacted]`],
  // (a basic credential is base64 of "user:pass"; decoding tells it from prose like "basic checks")
  [
    /\b(basic)(\s+)([A-Za-z0-9+/]{4,}={0,2})(?![\w+/=])/gi,
    (m, scheme, space, value) => (isBasicCredential(value) ? `${scheme}${space}[redacted]` : m),
  ],
  // key=value and "key": "value" pairs in query strings, form bodies, JSON text and prose.
  [
    /\b((?:[a-z]+[_-])?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|signature|sig|auth)"?\s*[:=]\s*"?)(?!\[redacted\])[^\s"'&,;)}\]]+/gi,
    (_m, key) => `${key}[redacted]`,
  ],
  // Credentials embedded in URLs: https://user:pass@host.
  [/(\/\/)[^/\s:@]+:[^/\s@]+@/g, (_m, slashes) => `${slashes}[redacted]@`],
  [/\bxox[abprse]-[\w-]+/gi, "[redacted]"],
  [/\bxapp-[\w-]+/gi, "[redacted]"],
  [/\bgh[pousr]_[A-Za-z0-9]{10,}/g, "[redacted]"],
  [/\bgithub_pat_\w{10,}/g, "[redacted]"],
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, "[redacted]"],
  [/\bsk-[\w-]{6,}/g, "[redacted]"],
  [/\b[rsp]k_(?:live|test)_\w{6,}/g, "[redacted]"],
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, "[redacted]"],
  // Slack incoming-webhook URLs are credentials by themselves.
  [/hooks\.slack\.com\/(?:services|workflows|triggers)\/[\w/-]+/g, "hooks.slack.com/[redacted]"],
];

function isBasicCredential(value: string): boolean {
  try {
    return atob(value).includes(":");
  } catch {
    return false;
  }
}

/**
 * Something every rule above needs to find: one pass of this over a string (a stack, a URL)
 * that has none of them skips the thirteen rules, most of a line's cost.
 */
const maybeSecret =
  /bearer|basic|passw|pwd|secret|token|key|sig|auth|@|xox|xapp|gh[pousr]_|github_pat|A[KSGIR][IPDO]A|sk-|k_live|k_test|eyJ|hooks\.slack/i;

/** Scrubs token shapes out of any text. */
export function scrub(text: string): string {
  if (!maybeSecret.test(text)) return text;
  let out = text;
  for (const [pattern, replacement] of rules) {
    out = out.replace(pattern, replacement as (substring: string, ...args: string[]) => string);
  }
  return out;
}

const maxDepth = 5;

/** A log-safe copy of `value`: sensitive fields replaced, strings scrubbed, depth bounded. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrub(value);
  if (value === null || typeof value !== "object") return value;
  // Deeper than this is never needed to debug and is where headers hide (error.config.headers...).
  if (depth > maxDepth) return "[truncated]";
  if (value instanceof Error) return errorFields(value, depth);
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

/**
 * An error as log fields. Messages of our own errors are written to be log-safe; stacks stay
 * out of chat but are what an operator needs. All of it is scrubbed for token shapes; the
 * cause chain is followed a few levels (a TypeError under a DaybookError is the real fault).
 */
function errorFields(error: Error, depth: number): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    ...(code !== undefined ? { code } : {}),
    message: scrub(error.message),
    ...(error.stack ? { stack: scrub(error.stack) } : {}),
    ...(cause !== undefined && depth < maxDepth ? { cause: redact(cause, depth + 1) } : {}),
  };
}
