import type { App } from "@slack/bolt";
import type { Responder } from "../../../src/core/chat.ts";
import type { ThreadRef } from "../../../src/core/thread.ts";
import { renderCard } from "../format/block-kit.ts";
import { type ListenerDeps, str } from "./deps.ts";

export const slashCommand = "/daybook";

/**
 * `/daybook <question>` answers in the channel (top level; later replies of the same turn go
 * into that message's thread); `/daybook help` or an empty command answers only the caller.
 * Where the bot is not a member (chat.postMessage fails), the answer goes back privately
 * through the command's response_url.
 */
export function registerSlashCommand(app: App, deps: ListenerDeps): void {
  app.command(slashCommand, async ({ command, ack, respond }) => {
    await ack();
    const text = command.text.trim();
    const isHelp = text === "" || /^(help|\?)$/i.test(text);
    const thread: ThreadRef = {
      platform: "slack",
      workspace: str(command.team_id) ?? "unknown",
      channel: command.channel_id,
      thread: "",
    };
    const privately = async (card: Parameters<Responder["reply"]>[0]) => {
      const message = renderCard(card);
      await respond({ response_type: "ephemeral", text: message.text, blocks: message.blocks });
      return { thread, messageId: "" };
    };
    let root: string | undefined;
    const responder: Responder = {
      reply: async (card) => {
        if (isHelp) return privately(card);
        try {
          const receipt = await deps.adapter.post(root ? { ...thread, thread: root } : thread, card);
          root ??= receipt.messageId;
          return { thread: receipt.thread, messageId: receipt.messageId };
        } catch (error) {
          deps.logger.info("slash command answer falls back to response_url", { error });
          return privately(card);
        }
      },
    };
    await deps.handle(
      {
        thread,
        user: { platform: "slack", id: command.user_id, name: command.user_name },
        text: isHelp ? "help" : text,
        receivedAt: deps.clock.now(),
      },
      responder,
    );
  });
}
