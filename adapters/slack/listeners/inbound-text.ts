import type { ChatUser } from "../../../src/core/chat.ts";
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

/** How long a turn waits for a person's profile (the Events API's 200 waits for the listener). */
const PROFILE_DEADLINE_MS = 1_000;

/**
 * The person behind a Slack event as a ChatUser with their display name, zone and locale from
 * users.info (cached in the directory and the store). A failed, rate-limited or slow lookup
 * leaves them out: the name falls back to what the payload said (or the id) and times to the
 * organisation's zone; the turn never fails on it.
 */
export async function slackUser(names: SlackNameLookup, id: string, payloadName?: string): Promise<ChatUser> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), PROFILE_DEADLINE_MS);
  });
  const profile = await Promise.race([names.profile?.(id).catch(() => undefined), late]).finally(() =>
    clearTimeout(timer),
  );
  const name = profile?.name ?? payloadName;
  return {
    platform: "slack",
    id,
    ...(name ? { name } : {}),
    ...(profile?.timeZone ? { timeZone: profile.timeZone } : {}),
    ...(profile?.locale ? { locale: profile.locale } : {}),
  };
}
