import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack request signing: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the
 * signing secret, and a timestamp within five minutes of now against replays.
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export const maxClockSkewMs = 5 * 60 * 1000;

export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: "missing_headers" | "stale_timestamp" | "bad_signature" };

export interface VerifyInput {
  signingSecret: string;
  /** X-Slack-Signature */
  signature: string | null | undefined;
  /** X-Slack-Request-Timestamp (seconds) */
  timestamp: string | null | undefined;
  /** The exact bytes received, before any parsing. */
  rawBody: string;
  nowMs: number;
}

export function signSlackRequest(signingSecret: string, timestampSec: number | string, rawBody: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest("hex")}`;
}

export function verifySlackSignature(input: VerifyInput): VerifyResult {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing_headers" };
  if (Math.abs(input.nowMs - Number(timestamp) * 1000) > maxClockSkewMs)
    return { ok: false, reason: "stale_timestamp" };
  const expected = Buffer.from(signSlackRequest(input.signingSecret, timestamp, input.rawBody), "utf8");
  const given = Buffer.from(signature, "utf8");
  // timingSafeEqual needs equal lengths; a length mismatch is already a mismatch.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "bad_signature" };
  return { ok: true };
}
