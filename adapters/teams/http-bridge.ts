import type { Activity, InvokeResponse } from "botbuilder";
import { DaybookError } from "../../src/core/errors.ts";
import { activityProblem } from "./activity-shape.ts";

/**
 * Our Fetch-style HttpRoute in front of botbuilder. CloudAdapter.process would parse and
 * validate the body before authenticating and outside its try block (botbuilder/lib/cloudAdapter.js,
 * `validateAndFixActivity`), so `{}` or `{"type":5}` became a 500 with a stack trace on stderr,
 * and it `console.error`s every rejected token. We do the cheap checks here and hand botbuilder
 * only a well-formed activity (see teams-integration.ts).
 */
export interface InboundActivity {
  activity: Activity;
  /** The raw Authorization header, "" when absent. */
  authorization: string;
}

/** Parses the body; a malformed one is a 400 (DaybookError, answered by the server as JSON). */
export async function readActivity(request: Request): Promise<InboundActivity> {
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    throw new DaybookError("bad_request", "the activity is not valid JSON", {
      cause: error,
      userMessage: "The request body is not valid JSON.",
    });
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new DaybookError("bad_request", "the activity must be a JSON object", {
      userMessage: "The request body must be a Bot Framework activity (a JSON object).",
    });
  }
  const raw = body as Record<string, unknown>;
  if (typeof raw.type !== "string" || raw.type === "") {
    throw new DaybookError("bad_request", "the activity has no string type", {
      userMessage: "The activity has no type.",
    });
  }
  // Every activity the Bot Connector delivers names where to answer; without these the turn
  // would fail deep inside botbuilder with a TypeError.
  const conversation = raw.conversation as { id?: unknown } | null | undefined;
  if (typeof raw.serviceUrl !== "string" || typeof conversation?.id !== "string") {
    throw new DaybookError("bad_request", "the activity has no serviceUrl or conversation id", {
      userMessage: "The activity has no serviceUrl or conversation.",
    });
  }
  const problem = activityProblem(raw);
  if (problem) {
    throw new DaybookError("bad_request", "the activity does not have the shape of a Bot Framework activity", {
      userMessage: "The request body is not a well-formed Bot Framework activity.",
      details: { reason: problem },
    });
  }
  return {
    activity: fixTimestamps(raw) as unknown as Activity,
    authorization: request.headers.get("authorization") ?? "",
  };
}

/** What botbuilder's validateAndFixActivity does besides validating: the schema types these as Dates. */
function fixTimestamps(activity: Record<string, unknown>): Record<string, unknown> {
  for (const [field, rawField] of [
    ["timestamp", "rawTimestamp"],
    ["localTimestamp", "rawLocalTimestamp"],
    ["expiration", "rawExpiration"],
  ] as const) {
    const value = activity[field];
    if (typeof value === "string") {
      activity[rawField] = value;
      activity[field] = new Date(value);
    }
  }
  return activity;
}

/** botbuilder accepts tokens up to 5 minutes past `exp` (channelValidation.js, clockTolerance). */
const clockToleranceSeconds = 5 * 60;

/**
 * Refuses, without any network call, a request botbuilder would refuse anyway: no
 * `Authorization: Bearer <JWT>` header, a token that is not a JWT, or one that has expired.
 * Everything else (issuer, audience, signature, endorsements) is botbuilder's job.
 */
export function rejectWithoutBearerToken(authorization: string, nowMs: number): void {
  const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/.exec(authorization);
  if (!match) {
    throw unauthorized(
      authorization === "" ? "no Authorization header" : "the Authorization header is not a Bearer JWT",
    );
  }
  const header = decodeJwtPart(match[1] ?? "");
  const payload = decodeJwtPart(match[2] ?? "");
  if (!header || !payload || typeof payload.iss !== "string") throw unauthorized("the bearer token is not a JWT");
  if (typeof payload.exp === "number" && payload.exp + clockToleranceSeconds < nowMs / 1000) {
    throw unauthorized("the bearer token has expired");
  }
}

function decodeJwtPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function unauthorized(reason: string): DaybookError {
  return new DaybookError("unauthorized", `Teams request rejected: ${reason}`, {
    userMessage: "The request could not be authenticated.",
  });
}

/** The HTTP answer for a processed activity: invokes carry their response, everything else is 200. */
export function toFetchResponse(invokeResponse: InvokeResponse | undefined): Response {
  // botbuilder answers an invoke it has no handler for with 501; nothing failed on our side and
  // nothing was done, so the sender gets an empty 200 (no retry, no 5xx for junk).
  if (invokeResponse?.status === 501) return new Response(null, { status: 200 });
  const status = invokeResponse?.status ?? 200;
  const body: unknown = invokeResponse?.body;
  // 204/304 responses must not carry a body (Fetch spec).
  if (body === undefined || body === null || status === 204 || status === 304) {
    return new Response(null, { status });
  }
  if (typeof body === "string") {
    return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}
