import type { App } from "@slack/bolt";
import { slackThread } from "../thread-ref.ts";
import { type ListenerDeps, type Loose, str, teamOf } from "./deps.ts";
import { botUserIdOf, inboundText, slackUser } from "./inbound-text.ts";
import { threadResponder } from "./responder.ts";

/** Our own posts and other bots' posts never start a turn (no bot loops). */
export function isFromBot(event: Loose): boolean {
  return event.bot_id !== undefined || event.subtype === "bot_message" || event.bot_profile !== undefined;
}

/**
 * Channel mentions (answered in the thread) and direct messages, including messages in
 * Slack's AI assistant threads, which arrive as `message.im` with a `thread_ts`.
 */
export function registerConversationListeners(app: App, deps: ListenerDeps): void {
  app.event("app_mention", async ({ event, body, context }) => {
    const e = event as unknown as Loose;
    if (isFromBot(e)) return;
    const channel = str(e.channel);
    const user = str(e.user);
    if (!channel || !user) return;
    const thread = slackThread(teamOf(context, body as unknown as Loose), channel, str(e.thread_ts), str(e.ts));
    await deps.handle(
      {
        thread,
        user: await slackUser(deps.namesIn(thread.workspace), user),
        text: await inboundText(deps.namesIn(thread.workspace), e.text, botUserIdOf(context, body as unknown as Loose)),
        ...(str(e.ts) ? { messageId: str(e.ts) } : {}),
        receivedAt: deps.clock.now(),
      },
      threadResponder(deps.adapter, thread, false),
    );
  });

  app.message(async ({ message, body, context }) => {
    const m = message as unknown as Loose;
    // Edits, joins and other subtypes are not questions; `file_share` still carries text.
    if (m.channel_type !== "im" || isFromBot(m)) return;
    if (m.subtype !== undefined && m.subtype !== "file_share") return;
    const channel = str(m.channel);
    const user = str(m.user);
    if (!channel || !user) return;
    const threadTs = str(m.thread_ts);
    const thread = slackThread(teamOf(context, body as unknown as Loose), channel, threadTs, str(m.ts));
    await deps.handle(
      {
        thread,
        user: await slackUser(deps.namesIn(thread.workspace), user),
        text: await inboundText(deps.namesIn(thread.workspace), m.text, botUserIdOf(context, body as unknown as Loose)),
        ...(str(m.ts) ? { messageId: str(m.ts) } : {}),
        receivedAt: deps.clock.now(),
      },
      threadResponder(deps.adapter, thread, threadTs !== undefined),
    );
  });
}
