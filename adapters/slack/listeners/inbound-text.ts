import { normaliseSlackText, type SlackNameLookup } from "../format/inbound.ts";
import { stripLeadingMentions } from "../thread-ref.ts";
import { type Loose, str } from "./deps.ts";

/**
 * The bot's own user id for this delivery: Bolt's context when authorize() knows it, else the
 * Events API's `authorizations` entry for the bot installation
 * (https://api.slack.com/apis/events-api#callback-field).
 */
export function botUserIdOf(context: { botUserId?: string | undefined }, body: Loose): string | undefined {
  if (context.botUserId) return context.botUserId;
  const authorizations = Array.isArray(body.authorizations) ? (body.authorizations as Loose[]) : [];
  return str(authorizations.find((a) => a?.is_bot === true)?.user_id);
}

/**
 * A Slack message's raw `text` as the text of an IncomingMessage: decoded and with names
 * (format/inbound.ts). Without the bot's id, leading mentions are taken to address the bot,
 * as before names were resolved.
 */
export function inboundText(names: SlackNameLookup, raw: unknown, botUserId: string | undefined): Promise<string> {
  const text = str(raw) ?? "";
  return normaliseSlackText(botUserId ? text : stripLeadingMentions(text), names, { botUserId });
}
