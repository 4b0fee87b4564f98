import { z } from "zod";
import { CREATE_JIRA_ISSUE_SHORTCUT } from "../listeners/shortcuts.ts";
import { slashCommand } from "../listeners/slash-command.ts";
import type { ParsedSlackRequest, SlackBody } from "./parse.ts";

/**
 * The shape check between parsing and Bolt. Bolt dereferences payload fields without checking
 * them (App.js buildSource reads `body.team.id`, `body.user.id`, `body.view.app_installed_team_id`;
 * helpers.js getTypeAndConversation uses `'channel' in event`), so a signed but malformed payload
 * threw inside processEvent and became an HTTP 500. Here every payload is checked against the
 * fields Bolt and our listeners read, with Slack's own limits where they exist, before Bolt
 * sees it. Payloads no daybook listener handles are answered without Bolt at all: nothing to
 * do, nothing to dedupe, nothing stored.
 *
 * Payload reference: https://docs.slack.dev/reference/interaction-payloads,
 * https://docs.slack.dev/interactivity/implementing-slash-commands#app_command_handling,
 * https://docs.slack.dev/apis/events-api/#callback-field
 *
 * A listener added in listeners/ needs its payload (type, event type or command) here too.
 */
export type ShapeVerdict =
  /** Hand to Bolt. */
  | { kind: "dispatch" }
  /** Well-formed, but nothing in daybook handles it: 200, debug log. */
  | { kind: "ignore"; reason: string }
  /** Malformed: 200 (Slack would only retry it), a warn line with this code, nothing else. */
  | { kind: "reject"; reason: string };

// Slack ids (U…, W…, T…, C…, D…, G…, E…, B…, A…) are short upper-case alphanumerics.
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
// Message timestamps: "1763888000.000100".
const ts = z.string().regex(/^\d{1,12}(\.\d{1,9})?$/);
// chat.postMessage truncates text beyond 40,000 characters; no inbound text is longer
// (https://docs.slack.dev/reference/methods/chat.postMessage#truncating).
const text = z.string().max(40_000);
const name = z.string().max(256);
// response_url: https://hooks.slack.com/...; tests point it at a local fake.
const url = z
  .string()
  .max(2_048)
  .regex(/^https?:\/\/[^\s]+$/);
const flag = z.boolean();
/** Keys whose presence makes Bolt classify a body as another kind (helpers.js getTypeAndConversation). */
const absent = z.never().optional();

// ---- interactivity (form field `payload`) ------------------------------------------------------

const team = z.looseObject({ id, enterprise_id: id.optional() });
const interactive = {
  // null when the app is installed org-wide (Enterprise Grid); Bolt then reads user.team_id.
  team: team.nullable(),
  user: z.looseObject({ id, team_id: id.optional(), name: name.optional(), username: name.optional() }),
  enterprise: z.looseObject({ id: id.optional() }).nullable().optional(),
  response_url: url.optional(),
  trigger_id: z.string().max(256).optional(),
  is_enterprise_install: flag.optional(),
  // Bolt routes on these before it looks at `type`; a payload carrying them would be read as
  // an event, a command or an options request.
  event: absent,
  command: absent,
  name: absent,
};

// Limits: https://docs.slack.dev/reference/block-kit/block-elements/button-element
const action = z.looseObject({
  action_id: z.string().min(1).max(255),
  block_id: z.string().max(255).optional(),
  type: z.string().min(1).max(64),
  value: z.string().max(2_000).optional(),
  action_ts: ts.optional(),
});

const blockActions = z
  .looseObject({
    ...interactive,
    type: z.literal("block_actions"),
    actions: z.array(action).min(1).max(25),
    channel: z.looseObject({ id, name: name.optional() }).optional(),
    container: z
      .looseObject({
        type: z.string().max(64).optional(),
        channel_id: id.optional(),
        message_ts: ts.optional(),
        is_ephemeral: flag.optional(),
      })
      .optional(),
    message: z.looseObject({ ts: ts.optional(), thread_ts: ts.optional() }).optional(),
    view: z.looseObject({ type: z.string().max(64).optional() }).optional(),
  })
  // A daybook button is in a message (answered in its channel) or on a person's Home tab.
  .refine((b) => b.channel?.id !== undefined || b.container?.channel_id !== undefined || b.view?.type === "home", {
    path: ["channel"],
    message: "no channel",
  });

const view = z.looseObject({ id, type: z.string().max(64), app_installed_team_id: id.optional() });
const callbackId = z.string().max(255);

/** Interactivity payloads daybook does not handle still get their Bolt envelope checked (and are ignored). */
const otherInteractive: Record<string, z.ZodType> = {
  view_submission: z.looseObject({ ...interactive, view }),
  view_closed: z.looseObject({ ...interactive, view }),
  shortcut: z.looseObject({ ...interactive, callback_id: callbackId }),
  block_suggestion: z.looseObject({
    ...interactive,
    name: z.unknown().optional(),
    action_id: z.string().max(255),
    block_id: z.string().max(255),
    value: z.string().max(2_000),
  }),
  interactive_message: z.looseObject({ ...interactive, actions: z.array(z.looseObject({})) }),
  dialog_submission: z.looseObject({ ...interactive }),
  dialog_cancellation: z.looseObject({ ...interactive }),
};
const anyInteractive = z.looseObject({ ...interactive, type: z.string().max(64) });
// https://docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload#message_actions
const messageAction = z.looseObject({
  ...interactive,
  callback_id: callbackId,
  channel: z.looseObject({ id }),
  message: z.looseObject({ ts, thread_ts: ts.optional(), text: text.optional() }),
});

// ---- slash commands (plain form fields, all strings) -------------------------------------------

const command = z.looseObject({
  command: z.string().regex(/^\/[\w-]{1,32}$/),
  team_id: id,
  user_id: id,
  channel_id: id,
  user_name: name.optional(),
  text: text.optional(),
  response_url: url.optional(),
  trigger_id: z.string().max(256).optional(),
  event: absent,
  actions: absent,
  name: absent,
});

// ---- Events API --------------------------------------------------------------------------------

const objectOrString = z.union([z.string(), z.looseObject({})]);
/** What Bolt reads from any event before routing it (App.js buildSource, helpers.js). */
const eventEnvelope = z.looseObject({
  type: z.literal("event_callback"),
  event_id: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  team_id: id.optional(),
  enterprise_id: id.nullable().optional(),
  authorizations: z
    .array(
      z.looseObject({
        team_id: id.nullable().optional(),
        enterprise_id: id.nullable().optional(),
        is_enterprise_install: flag.optional(),
      }),
    )
    .optional(),
  event: z.looseObject({
    type: z.string().min(1).max(64),
    channel: objectOrString.optional(),
    user: objectOrString.optional(),
    item: z.looseObject({}).optional(),
    subteam: z.looseObject({}).optional(),
  }),
});

const common = {
  ts,
  thread_ts: ts.optional(),
  event_ts: ts.optional(),
  bot_id: id.optional(),
  subtype: name.optional(),
};
const handledEvents: Record<string, z.ZodType> = {
  // A bot's mention may name only its bot_id; the listener ignores bots either way.
  app_mention: z
    .looseObject({ ...common, user: id.optional(), channel: id, text })
    .refine((e) => e.user !== undefined || e.bot_id !== undefined, { path: ["user"], message: "no author" }),
  // Message subtypes (edits, joins) have no user; the listener ignores them.
  message: z.looseObject({
    ...common,
    channel: id,
    channel_type: name.optional(),
    user: id.optional(),
    text: text.optional(),
  }),
  assistant_thread_started: z.looseObject({
    assistant_thread: z.looseObject({ channel_id: id, thread_ts: ts, user_id: id.optional() }),
  }),
  assistant_thread_context_changed: z.looseObject({ assistant_thread: z.looseObject({}) }),
  // Installs served through OAuth (listeners/installs.ts); https://docs.slack.dev/reference/events/app_uninstalled
  app_uninstalled: z.looseObject({}),
  // https://docs.slack.dev/reference/events/tokens_revoked
  // https://docs.slack.dev/reference/events/app_home_opened (the Messages tab too; the listener checks `tab`)
  app_home_opened: z.looseObject({ user: id, tab: name.optional() }),
  tokens_revoked: z.looseObject({
    tokens: z.looseObject({ oauth: z.array(id).max(1_000).optional(), bot: z.array(id).max(1_000).optional() }),
  }),
};

const rateLimited = z.looseObject({ minute_rate_limited: z.number().int().optional() });

// ---- the check -------------------------------------------------------------------------------

/**
 * `where.field.path:code` from the first issue: names from our schema, never values. Array
 * indices are folded (`actions[].action_id`), so the reasons, and the warn lines they allow,
 * are a fixed set.
 */
function reasonOf(where: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `${where}:invalid`;
  const path = issue.path.map((p) => (typeof p === "number" ? "[]" : String(p))).join(".");
  return `${where}${path ? `.${path}` : ""}:${issue.code}`.replaceAll(".[]", "[]");
}

function check(schema: z.ZodType, value: unknown, where: string): ShapeVerdict | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : { kind: "reject", reason: reasonOf(where, result.error) };
}

function interactiveVerdict(body: SlackBody): ShapeVerdict {
  const type = String(body.type);
  if (type === "block_actions") return check(blockActions, body, "block_actions") ?? { kind: "dispatch" };
  if (type === "message_action") {
    const rejected = check(messageAction, body, "message_action");
    if (rejected) return rejected;
    return body.callback_id === CREATE_JIRA_ISSUE_SHORTCUT
      ? { kind: "dispatch" }
      : { kind: "ignore", reason: "unhandled:message_action" };
  }
  const known = otherInteractive[type];
  const where = known ? type : "interactive";
  return check(known ?? anyInteractive, body, where) ?? { kind: "ignore", reason: `unhandled:${where}` };
}

function commandVerdict(body: SlackBody): ShapeVerdict {
  const rejected = check(command, body, "command");
  if (rejected) return rejected;
  return body.command === slashCommand ? { kind: "dispatch" } : { kind: "ignore", reason: "unhandled:command" };
}

function eventVerdict(body: SlackBody): ShapeVerdict {
  if (body.type === "app_rate_limited") {
    return check(rateLimited, body, "app_rate_limited") ?? { kind: "ignore", reason: "app_rate_limited" };
  }
  const rejected = check(eventEnvelope, body, "event_callback");
  if (rejected) return rejected;
  const event = body.event as SlackBody;
  const schema = handledEvents[String(event.type)];
  if (!schema) return { kind: "ignore", reason: "unhandled:event" };
  return check(schema, event, `event.${String(event.type)}`) ?? { kind: "dispatch" };
}

/**
 * The same check for a Socket Mode envelope's payload, which arrives already parsed: an
 * Events API callback, a slash command's fields, or an interactivity payload
 * (https://docs.slack.dev/apis/events-api/using-socket-mode#events).
 */
export function checkSocketModeShape(body: unknown): ShapeVerdict {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { kind: "reject", reason: "socket:body" };
  const b = body as SlackBody;
  if (b.type === "event_callback" || b.type === "app_rate_limited") {
    return checkSlackShape({ kind: "event", body: b, eventId: undefined });
  }
  if (b.command !== undefined) return checkSlackShape({ kind: "command", body: b });
  if (typeof b.type !== "string") return { kind: "reject", reason: "socket:type" };
  return checkSlackShape({ kind: "interactive", body: b });
}

/** What to do with a parsed, signature-checked request that is headed for Bolt. */
export function checkSlackShape(parsed: ParsedSlackRequest): ShapeVerdict {
  switch (parsed.kind) {
    case "interactive":
      return interactiveVerdict(parsed.body);
    case "command":
      return commandVerdict(parsed.body);
    case "event":
      return eventVerdict(parsed.body);
    default:
      return { kind: "dispatch" };
  }
}
