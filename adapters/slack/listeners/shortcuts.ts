import type { App } from "@slack/bolt";
import { normaliseSlackText } from "../format/inbound.ts";
import { slackThread } from "../thread-ref.ts";
import { type ListenerDeps, type Loose, str, teamOf } from "./deps.ts";
import { slackUser } from "./inbound-text.ts";

/** The message shortcut's callback id, as manifest/slack/manifest.yaml declares it. */
export const CREATE_JIRA_ISSUE_SHORTCUT = "create_jira_issue";

/**
 * Message shortcuts (https://docs.slack.dev/interactivity/implementing-shortcuts): acked first
 * (Slack shows an error after 3 s), then handed to the bot with the message's text and thread.
 */
export function registerShortcutListeners(app: App, deps: ListenerDeps): void {
  const onShortcut = deps.onShortcut;
  if (!onShortcut) return;
  app.shortcut({ callback_id: CREATE_JIRA_ISSUE_SHORTCUT, type: "message_action" }, async ({ ack, body, context }) => {
    await ack();
    const b = body as unknown as Loose;
    const userId = str((b.user as Loose | undefined)?.id);
    const channel = str((b.channel as Loose | undefined)?.id);
    const message = b.message as Loose | undefined;
    const ts = str(message?.ts);
    if (!userId || !channel || !ts) {
      deps.logger.warn("ignored a message shortcut without a user, channel or message", {
        reason: "shortcut:missing_ids",
      });
      return;
    }
    const workspace = teamOf(context, b);
    const thread = slackThread(workspace, channel, str(message?.thread_ts), ts);
    // Mentions, channel links and entities read as in any message daybook is sent.
    const text = await normaliseSlackText(str(message?.text) ?? "", deps.namesIn(workspace));
    const name = str((b.user as Loose | undefined)?.name) ?? str((b.user as Loose | undefined)?.username);
    const user = await slackUser(deps.namesIn(workspace), userId, name);
    await onShortcut(
      { callbackId: CREATE_JIRA_ISSUE_SHORTCUT, user, thread, text },
      deps.adapter.responderFor({ platform: "slack", thread }),
    );
  });
}
