import type { ThreadRef } from "../../src/core/thread.ts";

/** Slack conversation identity: replies go into `thread_ts`, or start a thread on `ts`. */
export function slackThread(
  workspace: string,
  channel: string,
  threadTs: string | undefined,
  ts: string | undefined,
): ThreadRef {
  return { platform: "slack", workspace, channel, thread: threadTs ?? ts ?? "" };
}

/** `<@U123>` mentions of the bot at the start of an app_mention. */
export function stripLeadingMentions(text: string): string {
  return text.replace(/^(\s*<@[A-Z0-9]+(\|[^>]*)?>\s*)+/i, "").trim();
}
