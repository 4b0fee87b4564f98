import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { APPROVE_ACTION_ID, isDaybookActionId, REJECT_ACTION_ID } from "../../../src/core/action-ids.ts";
import { cardToText } from "../../../src/core/card.ts";
import type { ButtonClick, ChatUser, Responder } from "../../../src/core/chat.ts";
import { baseActionId, renderCard } from "../format/block-kit.ts";
import { toMrkdwn } from "../format/markdown.ts";
import { slackThread } from "../thread-ref.ts";
import { type ListenerDeps, type Loose, str, teamOf } from "./deps.ts";
import { publishHome } from "./home.ts";
import { slackUser } from "./inbound-text.ts";
import { threadResponder } from "./responder.ts";

/**
 * Every daybook button (src/core/action-ids.ts) -> the ClickHandler with the clicking user;
 * its result updates the clicked message (chat.update) or tells only the clicker
 * (chat.postEphemeral). Ack first: Slack shows an error if the click is not acked in 3 s.
 */
export function registerActionListeners(app: App, deps: ListenerDeps): void {
  app.action(/^daybook\./, async ({ ack, body, action, context, respond, client }) => {
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
    // A click on the Home tab carries the view, not a channel or message (block_actions payload,
    // https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
    if (userId && !channel && (b.view as Loose | undefined)?.type === "home") {
      const name = str(user?.name) ?? str(user?.username);
      const workspace = teamOf(context, b);
      const who: ChatUser = await slackUser(deps.namesIn(workspace), userId, name);
      await homeClick(deps, client, workspace, who, actionId, str(a.value) ?? "");
      return;
    }
    if (!userId || !channel) return;
    const ts = str(message?.ts) ?? str((b.container as Loose | undefined)?.message_ts);
    const thread = slackThread(teamOf(context, b), channel, str(message?.thread_ts), ts);
    const name = str(user?.name) ?? str(user?.username);
    const click: ButtonClick = {
      actionId,
      value: str(a.value) ?? "",
      user: await slackUser(deps.namesIn(thread.workspace), userId, name),
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

/**
 * Approve / Reject pressed on a person's Home tab: decided exactly as in the thread (the
 * approvals service posts the outcome in the approval's own thread and updates its card
 * there), then the Home is published again, without that approval and with what happened.
 */
async function homeClick(
  deps: ListenerDeps,
  client: WebClient,
  workspace: string,
  user: ChatUser,
  actionId: string,
  value: string,
): Promise<void> {
  if (actionId !== APPROVE_ACTION_ID && actionId !== REJECT_ACTION_ID) return;
  const nowhere = { platform: "slack" as const, workspace, channel: "", thread: "" };
  // Nothing a decision does answers the clicker in a thread; anything else goes to them directly.
  const responder: Responder = {
    reply: (card) => deps.adapter.postPrivately(nowhere, user, card),
    replyPrivately: (to, card) => deps.adapter.postPrivately(nowhere, to, card),
  };
  const result = await deps.onClick({ actionId, value, user, thread: nowhere }, responder);
  const notice =
    result.kind === "notice"
      ? result.text
      : result.kind === "update"
        ? (result.card.fallbackText ?? cardToText(result.card))
        : undefined;
  await publishHome(client, deps, user, workspace, notice);
}
