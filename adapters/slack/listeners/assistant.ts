import type { App } from "@slack/bolt";
import { type ListenerDeps, type Loose, str } from "./deps.ts";

export const defaultSuggestedPrompts = [
  { title: "Sprint blockers", message: "What's blocking the sprint?" },
  { title: "My deals today", message: "Which deals need me today?" },
  { title: "Churn risk", message: "Why is BrightTech at risk?" },
  { title: "Month-end close", message: "What's left for the November close?" },
];

/**
 * Slack's AI assistant threads (https://docs.slack.dev/ai/developing-ai-apps): suggested
 * prompts when a thread opens. User messages in the thread arrive as `message.im` and are
 * answered by the conversation listener, which sets the "thinking" status. Handled with plain
 * event listeners rather than Bolt's `Assistant` class, whose default thread-context store
 * writes message metadata we do not need.
 */
export function registerAssistantListeners(app: App, deps: ListenerDeps): void {
  app.event("assistant_thread_started", async ({ event }) => {
    const thread = (event as unknown as Loose).assistant_thread as Loose | undefined;
    const channel = str(thread?.channel_id);
    const threadTs = str(thread?.thread_ts);
    if (!channel || !threadTs) return;
    await deps.adapter
      .setSuggestedPrompts(channel, threadTs, deps.suggestedPrompts, "Ask daybook")
      .catch((error: unknown) => deps.logger.warn("could not set suggested prompts", { error }));
  });

  // Subscribed so Slack delivers it; the channel the user is viewing does not change answers yet.
  app.event("assistant_thread_context_changed", async () => {});
}
