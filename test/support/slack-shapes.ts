import { APPROVE_ACTION_ID } from "../../src/core/action-ids.ts";

/**
 * Every payload shape Slack may send to the request URL, as a well-formed body plus the
 * fields Bolt or a listener reads, and how each field can be broken. Shared by the generated
 * shape test (test/slack-payload-shapes.test.ts) and the HTTP fuzz (test/http-fuzz.test.ts).
 * Every value contains the marker "zq7", so a log line that carries a payload value is found
 * by searching for the marker.
 */
export const marker = /zq7/i;

// ---- the shapes -------------------------------------------------------------------------------

export type Kind =
  | "id" // Slack id: empty and huge are invalid
  | "ts" // message timestamp: empty and huge are invalid
  | "url"
  | "label" // a non-empty short string (action_id, type, command)
  | "name" // a short string that may be empty
  | "text" // free text up to 40,000 characters; may be empty
  | "object"
  | "array"
  | "bool"
  | "number";

export interface Field {
  path: (string | number)[];
  kind: Kind;
  required: boolean;
  /** Slack sends null here (team on org-wide installs, enterprise outside Enterprise Grid). */
  nullable?: boolean;
  /** An empty object/array is still valid (all children optional). */
  emptyOk?: boolean;
  /** Mutations after which the body is no Slack payload at all: 400. */
  unparseable?: Mutation[];
}

export type Encoding = "payload" | "form" | "json";
export type Mutation = "missing" | "null" | "wrong type" | "empty" | "huge";
export type Expect = "reject" | "may handle" | "bad request";

export interface Shape {
  name: string;
  encoding: Encoding;
  /** Whether a valid body is handled by a daybook listener (may then have side effects). */
  handled: boolean;
  body: () => Record<string, unknown>;
  fields: Field[];
}

export const req = (path: Field["path"], kind: Kind, extra: Partial<Field> = {}): Field => ({
  path,
  kind,
  required: true,
  ...extra,
});
export const opt = (path: Field["path"], kind: Kind, extra: Partial<Field> = {}): Field => ({
  path,
  kind,
  required: false,
  ...extra,
});

const team = { id: "T0ZQ7", domain: "zq7-demo" };
const user = { id: "U0ZQ7ALEX", username: "alex-zq7", name: "alex-zq7", team_id: "T0ZQ7" };
const envelopeFields: Field[] = [
  req(["team"], "object", { nullable: true }),
  req(["team", "id"], "id"),
  req(["user"], "object"),
  req(["user", "id"], "id"),
  opt(["user", "username"], "name"),
  opt(["user", "team_id"], "id"),
  opt(["response_url"], "url"),
  opt(["trigger_id"], "name"),
];
const interactiveBase = (type: string) => ({
  type,
  team,
  user,
  api_app_id: "A0ZQ7",
  token: "legacy-zq7",
  trigger_id: "1.2.zq7",
  response_url: "http://127.0.0.1:9/zq7-respond",
});
const view = { id: "V0ZQ7", type: "modal", callback_id: "cb-zq7", state: { values: {} } };

let eventSeq = 0;
export function eventBody(event: Record<string, unknown>): Record<string, unknown> {
  return {
    token: "legacy-zq7",
    team_id: "T0ZQ7",
    api_app_id: "A0ZQ7",
    type: "event_callback",
    event_id: `EvZQ7${(++eventSeq).toString(36)}`,
    event_time: 1_763_888_000,
    event,
    authorizations: [{ enterprise_id: null, team_id: "T0ZQ7", user_id: "U0BOT", is_bot: true }],
  };
}
const eventEnvelopeFields: Field[] = [
  req(["event_id"], "id"),
  opt(["team_id"], "id"),
  opt(["authorizations"], "array", { emptyOk: true }),
  opt(["authorizations", 0], "object", { emptyOk: true }),
  opt(["authorizations", 0, "team_id"], "id", { nullable: true }),
  // An event_callback without an event object with a string type is no event at all.
  req(["event"], "object", { unparseable: ["missing", "null", "wrong type", "empty"] }),
  req(["event", "type"], "label", { unparseable: ["missing", "null", "wrong type"] }),
];

export const shapes: Shape[] = [
  {
    name: "block_actions (a daybook button)",
    encoding: "payload",
    handled: true,
    body: () => ({
      ...interactiveBase("block_actions"),
      container: { type: "message", message_ts: "1763888000.000100", channel_id: "C0ZQ7", is_ephemeral: false },
      channel: { id: "C0ZQ7", name: "sales-zq7" },
      message: { type: "message", ts: "1763888000.000100", text: "approval zq7" },
      actions: [
        {
          type: "button",
          action_id: `${APPROVE_ACTION_ID}`,
          block_id: "b-zq7",
          value: "ap-zq7",
          action_ts: "1763888500.000001",
        },
      ],
    }),
    fields: [
      ...envelopeFields,
      req(["actions"], "array"),
      req(["actions", 0], "object"),
      req(["actions", 0, "action_id"], "label"),
      req(["actions", 0, "type"], "label"),
      opt(["actions", 0, "value"], "name"),
      opt(["actions", 0, "block_id"], "name"),
      opt(["actions", 0, "action_ts"], "ts"),
      opt(["channel"], "object"),
      req(["channel", "id"], "id"),
      opt(["container"], "object", { emptyOk: true }),
      opt(["container", "channel_id"], "id"),
      opt(["container", "message_ts"], "ts"),
      opt(["container", "is_ephemeral"], "bool"),
      opt(["message"], "object", { emptyOk: true }),
      opt(["message", "ts"], "ts"),
    ],
  },
  {
    name: "view_submission",
    encoding: "payload",
    handled: false,
    body: () => ({ ...interactiveBase("view_submission"), view }),
    fields: [...envelopeFields, req(["view"], "object"), req(["view", "id"], "id")],
  },
  {
    name: "view_closed",
    encoding: "payload",
    handled: false,
    body: () => ({ ...interactiveBase("view_closed"), view, is_cleared: false }),
    fields: [...envelopeFields, req(["view"], "object"), req(["view", "id"], "id")],
  },
  {
    name: "shortcut",
    encoding: "payload",
    handled: false,
    body: () => ({ ...interactiveBase("shortcut"), callback_id: "cb-zq7" }),
    fields: [...envelopeFields, req(["callback_id"], "name")],
  },
  {
    name: "message_action",
    encoding: "payload",
    handled: false,
    body: () => ({
      ...interactiveBase("message_action"),
      callback_id: "cb-zq7",
      channel: { id: "C0ZQ7" },
      message: { ts: "1763888000.000100", text: "hello zq7" },
    }),
    fields: [
      ...envelopeFields,
      req(["callback_id"], "name"),
      req(["channel"], "object"),
      req(["channel", "id"], "id"),
      req(["message"], "object", { emptyOk: true }),
    ],
  },
  {
    name: "block_suggestion (options)",
    encoding: "payload",
    handled: false,
    body: () => ({ ...interactiveBase("block_suggestion"), action_id: "a-zq7", block_id: "b-zq7", value: "zq7" }),
    fields: [...envelopeFields, req(["action_id"], "name"), req(["block_id"], "name"), req(["value"], "name")],
  },
  {
    name: "slash command /daybook",
    encoding: "form",
    handled: true,
    body: () => ({
      token: "legacy-zq7",
      team_id: "T0ZQ7",
      channel_id: "C0ZQ7",
      user_id: "U0ZQ7ALEX",
      user_name: "alex-zq7",
      command: "/daybook",
      text: "which deals need me today zq7?",
      response_url: "http://127.0.0.1:9/zq7-respond",
      trigger_id: "1.2.zq7",
    }),
    fields: [
      // The parser tells a command by its leading slash.
      req(["command"], "label", { unparseable: ["missing", "empty", "huge"] }),
      req(["team_id"], "id"),
      req(["user_id"], "id"),
      req(["channel_id"], "id"),
      opt(["user_name"], "name"),
      opt(["text"], "text"),
      opt(["response_url"], "url"),
      opt(["trigger_id"], "name"),
    ],
  },
  {
    name: "app_mention",
    encoding: "json",
    handled: true,
    body: () =>
      eventBody({
        type: "app_mention",
        user: "U0ZQ7ALEX",
        text: "<@U0BOT> hello zq7",
        ts: "1763888000.000100",
        channel: "C0ZQ7",
        event_ts: "1763888000.000100",
      }),
    fields: [
      ...eventEnvelopeFields,
      req(["event", "user"], "id"),
      req(["event", "channel"], "id"),
      req(["event", "ts"], "ts"),
      req(["event", "text"], "text"),
      opt(["event", "thread_ts"], "ts"),
    ],
  },
  {
    name: "message.im",
    encoding: "json",
    handled: true,
    body: () =>
      eventBody({
        type: "message",
        channel_type: "im",
        user: "U0ZQ7ALEX",
        text: "hello zq7",
        ts: "1763888000.000200",
        channel: "D0ZQ7",
      }),
    fields: [
      ...eventEnvelopeFields,
      req(["event", "channel"], "id"),
      req(["event", "ts"], "ts"),
      opt(["event", "user"], "id"),
      opt(["event", "text"], "text"),
      opt(["event", "channel_type"], "name"),
      opt(["event", "subtype"], "name"),
    ],
  },
  {
    name: "assistant_thread_started",
    encoding: "json",
    handled: true,
    body: () =>
      eventBody({
        type: "assistant_thread_started",
        assistant_thread: { user_id: "U0ZQ7ALEX", channel_id: "D0ZQ7", thread_ts: "1763888000.000300" },
        event_ts: "1763888000.000300",
      }),
    fields: [
      ...eventEnvelopeFields,
      req(["event", "assistant_thread"], "object"),
      req(["event", "assistant_thread", "channel_id"], "id"),
      req(["event", "assistant_thread", "thread_ts"], "ts"),
    ],
  },
  {
    name: "an event type daybook does not handle (reaction_added)",
    encoding: "json",
    handled: false,
    body: () =>
      eventBody({
        type: "reaction_added",
        user: "U0ZQ7ALEX",
        reaction: "zq7",
        item: { type: "message", channel: "C0ZQ7", ts: "1763888000.000100" },
        event_ts: "1763888000.000400",
      }),
    fields: [...eventEnvelopeFields, opt(["event", "item"], "object", { emptyOk: true })],
  },
  {
    name: "app_rate_limited",
    encoding: "json",
    handled: false,
    body: () => ({
      token: "legacy-zq7",
      type: "app_rate_limited",
      team_id: "T0ZQ7",
      minute_rate_limited: 1_763_888_000,
      api_app_id: "A0ZQ7",
    }),
    fields: [opt(["minute_rate_limited"], "number")],
  },
];

// ---- mutations --------------------------------------------------------------------------------

export const huge = "zq7".repeat(34_000); // 102,000 characters: beyond every Slack limit, within the body limit

export function expectation(field: Field, mutation: Mutation): Expect | undefined {
  if (field.unparseable?.includes(mutation)) return "bad request";
  const stringKind = ["id", "ts", "url", "label", "name", "text"].includes(field.kind);
  switch (mutation) {
    case "missing":
      return field.required ? "reject" : "may handle";
    case "null":
      return field.nullable ? "may handle" : "reject";
    case "wrong type":
      return "reject";
    case "empty":
      if (field.kind === "bool" || field.kind === "number") return undefined;
      if (field.kind === "object" || field.kind === "array") return field.emptyOk ? "may handle" : "reject";
      return field.kind === "name" || field.kind === "text" ? "may handle" : "reject";
    case "huge":
      return stringKind ? "reject" : undefined;
  }
}

function mutatedValue(field: Field, mutation: Exclude<Mutation, "missing">): unknown {
  switch (mutation) {
    case "null":
      return null;
    case "wrong type":
      return ["object", "array", "bool", "number"].includes(field.kind) ? "zq7" : 7_777;
    case "empty":
      return field.kind === "object" ? {} : field.kind === "array" ? [] : "";
    case "huge":
      return huge;
  }
}

export function mutate(body: Record<string, unknown>, field: Field, mutation: Mutation): Record<string, unknown> {
  const copy = structuredClone(body);
  let parent: Record<string | number, unknown> = copy;
  for (const key of field.path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = field.path.at(-1) as string | number;
  if (mutation === "missing") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = mutatedValue(field, mutation);
  }
  return copy;
}

/** Form bodies carry strings only: null and wrong types cannot be expressed. */
export const mutationsFor = (encoding: Encoding): Mutation[] =>
  encoding === "form" ? ["missing", "empty", "huge"] : ["missing", "null", "wrong type", "empty", "huge"];

export function encode(encoding: Encoding, body: Record<string, unknown>): { raw: string; contentType: string } {
  const form = "application/x-www-form-urlencoded";
  if (encoding === "json") return { raw: JSON.stringify(body), contentType: "application/json" };
  if (encoding === "payload")
    return { raw: new URLSearchParams({ payload: JSON.stringify(body) }).toString(), contentType: form };
  // Form fields are strings; anything else is sent as its JSON text.
  const fields = Object.entries(body).map(([k, v]): [string, string] => [
    k,
    typeof v === "string" ? v : (JSON.stringify(v) ?? ""),
  ]);
  return { raw: new URLSearchParams(fields).toString(), contentType: form };
}
