import { z } from "zod";

/**
 * The fields of an inbound Bot Framework activity that botbuilder and our handler read, checked
 * before either runs. botbuilder trusts them: `text: 5` threw in `text.trim`, `entities: [null]`
 * in TurnContext.getMentions, an Action.Execute invoke with `value: 5` in
 * getAdaptiveCardInvokeValue (each a logged stack and a 5xx), and `from: null` started a turn
 * as user "unknown". Schema: https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object
 */
const id = z.string().min(1).max(1_024);
const account = z.looseObject({ id, name: z.string().max(1_024).optional(), aadObjectId: id.optional() });
// Teams messages are at most about 28 KB (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
const text = z.string().max(40_000);
const isoTime = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), "not a date");

// TurnContext.removeMentionText reads mention.mentioned.id and mention.text unchecked.
const entity = z
  .looseObject({ type: z.string().max(256), mentioned: account.optional(), text: text.optional() })
  .refine((e) => e.type.toLowerCase() !== "mention" || (e.mentioned !== undefined && e.text !== undefined), {
    path: ["mentioned"],
    message: "a mention names who and how",
  });

export const activityShape = z.looseObject({
  type: z.string().min(1).max(64),
  id: id.optional(),
  name: z.string().max(256).optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z
    .string()
    .max(2_048)
    .regex(/^https?:\/\/[^\s]+$/),
  conversation: z.looseObject({
    id,
    conversationType: z.string().max(64).optional(),
    tenantId: id.optional(),
    isGroup: z.boolean().optional(),
  }),
  from: account,
  recipient: account,
  text: text.optional(),
  textFormat: z.string().max(64).optional(),
  replyToId: id.optional(),
  entities: z.array(entity).optional(),
  attachments: z.array(z.looseObject({ contentType: z.string().max(256) })).optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: id.optional() }).optional() }).optional(),
  membersAdded: z.array(account).optional(),
  membersRemoved: z.array(account).optional(),
  timestamp: isoTime.optional(),
  localTimestamp: isoTime.optional(),
  expiration: isoTime.optional(),
});

/** Universal Actions (Action.Execute) invoke value, as our cards send it. */
const adaptiveCardAction = z.looseObject({
  action: z.looseObject({
    type: z.literal("Action.Execute"),
    verb: z.string().min(1).max(255),
    data: z.looseObject({ value: z.string().max(2_000).optional() }).optional(),
  }),
  trigger: z.string().max(64).optional(),
});

/** `field.path:code` of the first problem (schema names, never values), or undefined. */
export function activityProblem(raw: Record<string, unknown>): string | undefined {
  const checked = activityShape.safeParse(raw);
  if (!checked.success) return reasonOf(checked.error);
  if (raw.type === "invoke" && raw.name === "adaptiveCard/action") {
    const value = adaptiveCardAction.safeParse(raw.value);
    if (!value.success) return `value.${reasonOf(value.error)}`;
  }
  return undefined;
}

function reasonOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "activity:invalid";
  // Array indices folded (`entities[].type`): a fixed set of reasons, so of warn lines.
  const path = issue.path.map((p) => (typeof p === "number" ? "[]" : String(p))).join(".");
  return `${path.replaceAll(".[]", "[]") || "activity"}:${issue.code}`;
}
