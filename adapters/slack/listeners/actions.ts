import type { App } from "@slack/bolt";
import { isDaybookActionId } from "../../../src/core/action-ids.ts";
import type { ButtonClick, Responder } from "../../../src/core/chat.ts";
import { baseActionId, renderCard } from "../format/block-kit.ts";
import { toMrkdwn } from "../format/markdown.ts";
import { slackThread } from "../thread-ref.ts";
import { type ListenerDeps, type Loose, str, teamOf } from "./deps.ts";
import { threadResponder } from "./responder.ts";

/**
 * Every daybook button (src/core/action-ids.ts) -> the ClickHandler with the clicking user;
 * its result updates the clicked message (chat.update) or tells only the clicker
 * (chat.postEphemeral). Ack first: Slack shows an error if the click is not acked in 3 s.
 */
export function registerActionListeners(app: App, deps: ListenerDeps): void {
  app.action(/^daybook\./, async ({ ack, body, action, context, respond }) => {
    await ack();
    const b = body as unknown as Loose;
    const a = action as unknown as Loose;
    if (b.type !== "block_actions") return;
    const actionId = baseActionId(str(a.action_id) ?? "");
    if (!isDaybookActionId(actionId)) return;
    const user = b.user as Loose | undefined;
    const channel = str((b.channel as Loose | undefined)?.id) ?? str((b.container as Loose | undefined)?.channel_id);
    const message = b.message as Loose | undefined;
    const userId = str(user?.id);
    if (!userId || !channel) return;
    const ts = str(message?.ts) ?? str((b.container as Loose | undefined)?.message_ts);
    const thread = slackThread(teamOf(context, b), channel, str(message?.thread_ts), ts);
    const name = str(user?.name) ?? str(user?.username);
    const click: ButtonClick = {
      actionId,
      value: str(a.value) ?? "",
      user: { platform: "slack", id: userId, ...(name ? { name } : {}) },
      thread,
      ...(ts ? { message: { thread, messageId: ts } } : {}),
    };
    const responder: Responder = threadResponder(deps.adapter, thread, false);
    const result = await deps.onClick(click, responder);
    // A card that reached the user privately (slash command fallback) is an ephemeral message:
    // chat.update cannot find it, only its response_url can replace it.
    const ephemeral = (b.container as Loose | undefined)?.is_ephemeral === true && respond !== undefined;
    if (ephemeral && result.kind !== "none") {
      if (result.kind === "update") {
        const rendered = renderCard(result.card);
        await respond({ replace_original: true, text: rendered.text, blocks: rendered.blocks });
      } else {
        await respond({ response_type: "ephemeral", replace_original: false, text: toMrkdwn(result.text) });
      }
      return;
    }
    switch (result.kind) {
      case "update":
        if (click.message) await deps.adapter.update(click.message, result.card);
        else await responder.reply(result.card);
        return;
      case "notice":
        await deps.adapter.notify(thread, click.user, result.text);
        return;
      case "none":
        return;
    }
  });
}
