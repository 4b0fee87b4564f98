import type { App } from "@slack/bolt";
import { textCard } from "../../../src/core/card.ts";
import type { Responder } from "../../../src/core/chat.ts";
import type { ThreadRef } from "../../../src/core/thread.ts";
import { normaliseSlackText } from "../format/inbound.ts";
import { type ListenerDeps, str } from "./deps.ts";
import { slackUser } from "./inbound-text.ts";

export const slashCommand = "/daybook";

/**
 * `/daybook <question>`: Slack shows slash commands to nobody, so daybook first posts the
 * question in the channel and answers in that message's thread; the thread then has its own
 * memory, and @mentions in it continue the conversation. `/daybook help` (or nothing) answers
 * only the caller. Where daybook may not post (not a member of a private channel, a DM
 * between other people), everything goes back privately through the command's response_url.
 */
export function registerSlashCommand(app: App, deps: ListenerDeps): void {
  app.command(slashCommand, async ({ command, ack }) => {
    await ack();
    // The receiver checks the shape (webhook/shapes.ts); this guard keeps the listener safe on
    // its own (Socket Mode has no such check): no channel or user means nobody to answer.
    const channel = str(command.channel_id);
    const userId = str(command.user_id);
    if (!channel || !userId) {
      deps.logger.warn("ignored a slash command without a channel or user", { reason: "command:missing_ids" });
      return;
    }
    // No bot mention to remove here; entities, mentions and links are normalised as in events.
    const names = deps.namesIn(str(command.team_id) ?? "unknown");
    const [text, user] = await Promise.all([
      normaliseSlackText(str(command.text) ?? "", names),
      slackUser(names, userId, str(command.user_name)),
    ]);
    const isHelp = text === "" || /^(help|\?)$/i.test(text);
    const channelTop: ThreadRef = {
      platform: "slack",
      workspace: str(command.team_id) ?? "unknown",
      channel,
      thread: "",
    };
    let thread = channelTop;
    if (!isHelp) {
      try {
        const asker = user.name ? `**${user.name}**` : "Someone";
        const root = await deps.adapter.post(channelTop, textCard(`${asker} asked: _${text}_`));
        thread = { ...channelTop, thread: root.messageId };
      } catch (error) {
        deps.logger.info("slash command answers privately: daybook cannot post in this channel", { error });
      }
    }
    // Inside the posted thread, or privately through response_url where daybook may not post.
    const responseUrl = str(command.response_url);
    const responder: Responder = deps.adapter.responderFor({
      platform: "slack",
      thread,
      ...(thread.thread === "" && responseUrl ? { via: { responseUrl } } : {}),
    });
    await deps.handle(
      {
        thread,
        user,
        text: isHelp ? "help" : text,
        receivedAt: deps.clock.now(),
      },
      responder,
    );
  });
}
