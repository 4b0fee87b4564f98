import type { App } from "@slack/bolt";
import type { ExampleQuestion } from "../../../src/core/examples.ts";
import { slackLimits } from "../format/limits.ts";
import { slackThread } from "../thread-ref.ts";
import { type ListenerDeps, type Loose, type SuggestedPrompt, str, teamOf } from "./deps.ts";

/** Prompts that fit any organisation; the same four as manifest/slack/manifest.yaml. */
export const defaultSuggestedPrompts: readonly SuggestedPrompt[] = [
  { title: "Sprint blockers", message: "What's blocking the sprint?" },
  { title: "My deals today", message: "Which deals need me today?" },
  { title: "Churn risk", message: "Which customers might churn?" },
  { title: "Month-end close", message: "What's left for the close?" },
];

/** The featured example questions as Slack suggested prompts (the first four, capitalised). */
export function suggestedPromptsFrom(examples: readonly ExampleQuestion[]): SuggestedPrompt[] {
  return examples.slice(0, slackLimits.suggestedPrompts).map((e) => ({
    title: e.title,
    message: `${e.text.charAt(0).toUpperCase()}${e.text.slice(1)}`,
  }));
}

/**
 * Slack's AI assistant threads (https://docs.slack.dev/ai/developing-ai-apps): suggested
 * prompts when a thread opens. User messages in the thread arrive as `message.im` and are
 * answered by the conversation listener, which sets the "thinking" status. Handled with plain
 * event listeners rather than Bolt's `Assistant` class, whose default thread-context store
 * writes message metadata we do not need.
 */
export function registerAssistantListeners(app: App, deps: ListenerDeps): void {
  app.event("assistant_thread_started", async ({ event, body, context }) => {
    const thread = (event as unknown as Loose).assistant_thread as Loose | undefined;
    const channel = str(thread?.channel_id);
    const threadTs = str(thread?.thread_ts);
    if (!channel || !threadTs) return;
    const where = slackThread(teamOf(context, body as unknown as Loose), channel, threadTs, undefined);
    await deps.adapter
      .setSuggestedPrompts(where, [...deps.suggestedPrompts()], "Ask daybook")
      .catch((error: unknown) => deps.logger.warn("could not set suggested prompts", { error }));
  });

  // Subscribed so Slack delivers it; the channel the user is viewing does not change answers yet.
  app.event("assistant_thread_context_changed", async () => {});
}
