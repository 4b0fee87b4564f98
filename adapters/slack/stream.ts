/**
 * How a streamed answer reaches Slack (issue 14, item 6): the turn's tagged placeholder is
 * edited with chat.update as the model's tokens arrive, then once more with the answer.
 *
 * Why not chat.startStream / appendStream / stopStream (in @slack/web-api 8.2 as
 * `client.chatStream`, https://docs.slack.dev/reference/methods/chat.startStream): a streamed
 * message gets its metadata only at chat.stopStream, so a worker that dies mid-stream leaves an
 * untagged message that the next delivery cannot find (conversations.replies +
 * include_all_metadata, adapter.ts `findTagged`) and would answer a second time; outside a DM
 * it also needs recipient_user_id / recipient_team_id and streams to that one person. The
 * placeholder carries its tag from the first post, so every delivery edits the same message.
 *
 * chat.update is Tier 3 (https://docs.slack.dev/reference/methods/chat.update, "50+ per
 * minute", per method per workspace: https://docs.slack.dev/apis/web-api/rate-limits). The
 * turn worker sends at most one draft a second per message (src/bot/turn-worker.ts,
 * draftEveryMs); this budget caps drafts per workspace so several answers streaming at once
 * still leave room for the answers themselves and for approval-card updates, which never wait
 * on it. A draft over budget is skipped: the next one (or the answer) shows the text anyway.
 */
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";

/** Draft edits per workspace per minute: 40 of Tier 3's ~50, the rest kept for answers and cards. */
export const slackDraftsPerMinute = 40;
const windowMs = 60_000;

/** What a draft looks like while the answer is still coming: the text so far, marked unfinished. */
export function draftText(text: string): string {
  return `${text} …`;
}

/** A sliding one-minute window of draft edits per workspace, in this process. */
export class DraftBudget {
  readonly #perMinute: number;
  readonly #clock: Clock;
  readonly #sent = new Map<string, number[]>();

  constructor(options: { perMinute?: number; clock?: Clock } = {}) {
    this.#perMinute = options.perMinute ?? slackDraftsPerMinute;
    this.#clock = options.clock ?? systemClock;
  }

  /** True (and counted) when `workspace` may take one more draft edit now. */
  take(workspace: string): boolean {
    const now = this.#clock.now();
    const recent = (this.#sent.get(workspace) ?? []).filter((at) => now - at < windowMs);
    if (recent.length >= this.#perMinute) {
      this.#sent.set(workspace, recent);
      return false;
    }
    recent.push(now);
    this.#sent.set(workspace, recent);
    // Bounded: workspaces with no draft in the last minute are forgotten.
    if (this.#sent.size > 1_000) {
      for (const [key, times] of this.#sent) if (times.every((at) => now - at >= windowMs)) this.#sent.delete(key);
    }
    return true;
  }
}
