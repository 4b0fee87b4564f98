/**
 * What arrives at POST /slack/events, after the signature check: Events API callbacks as
 * JSON, interactivity as form-encoded `payload=<json>`, slash commands as plain form fields.
 * https://docs.slack.dev/interactivity/handling-user-interaction#payloads
 */
export type SlackBody = Record<string, unknown>;

export type ParsedSlackRequest =
  | { kind: "url_verification"; challenge: string }
  | { kind: "ssl_check" }
  | { kind: "event"; body: SlackBody; eventId: string | undefined }
  | { kind: "interactive"; body: SlackBody }
  | { kind: "command"; body: SlackBody };

export class MalformedSlackRequest extends Error {
  override name = "MalformedSlackRequest";
}

function isObject(value: unknown): value is SlackBody {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string, what: string): SlackBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedSlackRequest(`${what} is not valid JSON`);
  }
  if (!isObject(value)) throw new MalformedSlackRequest(`${what} is not a JSON object`);
  return value;
}

export function parseSlackRequest(rawBody: string, contentType: string | null): ParsedSlackRequest {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  if (type === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(rawBody);
    if (form.get("ssl_check") === "1") return { kind: "ssl_check" };
    const payload = form.get("payload");
    if (payload !== null) {
      const body = parseJsonObject(payload, "payload");
      if (typeof body.type !== "string") throw new MalformedSlackRequest("payload has no type");
      return { kind: "interactive", body };
    }
    const command = form.get("command");
    if (command?.startsWith("/")) {
      return { kind: "command", body: Object.fromEntries(form.entries()) };
    }
    throw new MalformedSlackRequest("form body is neither an interactivity payload nor a slash command");
  }
  if (type === "application/json") {
    const body = parseJsonObject(rawBody, "body");
    if (body.type === "url_verification") {
      if (typeof body.challenge !== "string") throw new MalformedSlackRequest("url_verification without challenge");
      return { kind: "url_verification", challenge: body.challenge };
    }
    if (body.type === "event_callback") {
      if (!isObject(body.event) || typeof body.event.type !== "string") {
        throw new MalformedSlackRequest("event_callback without an event");
      }
      return { kind: "event", body, eventId: typeof body.event_id === "string" ? body.event_id : undefined };
    }
    if (body.type === "app_rate_limited") return { kind: "event", body, eventId: undefined };
    // The type is not echoed: nothing from the body goes back out or into the logs.
    throw new MalformedSlackRequest("unsupported body type");
  }
  throw new MalformedSlackRequest("unsupported content type");
}
