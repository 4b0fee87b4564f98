import type { Card } from "../../../src/core/card.ts";
import type { ChatUser, ClickHandler, MessageHandler, ShortcutHandler } from "../../../src/core/chat.ts";
import type { Clock } from "../../../src/core/clock.ts";
import type { Logger } from "../../../src/core/logger.ts";
import type { SlackChatAdapter } from "../adapter.ts";
import type { SlackNameLookup } from "../format/inbound.ts";

export interface SuggestedPrompt {
  title: string;
  message: string;
}

/** What every Bolt listener needs from the integration. */
export interface ListenerDeps {
  adapter: SlackChatAdapter;
  handle: MessageHandler;
  onClick: ClickHandler;
  logger: Logger;
  clock: Clock;
  /** Read when an assistant thread opens, so they follow the organisation's current data. */
  suggestedPrompts: () => readonly SuggestedPrompt[];
  /** Names for mentions and channel links in a workspace's inbound text (adapters/slack/directory.ts). */
  namesIn: (workspace: string) => SlackNameLookup;
  /** A person's App Home (src/bot/app-home.ts); absent: no Home tab is published. */
  home?: HomeBuilder;
  /** Message shortcuts ("Create a Jira issue from this message"); absent: none is registered. */
  onShortcut?: ShortcutHandler;
}

/** Builds `user`'s Home tab, with `notice` on top after a click there. */
export type HomeBuilder = (user: ChatUser, workspace: string, notice?: string) => Promise<Card>;

export type Loose = Record<string, unknown>;

export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Bolt's context.teamId, or the team in the body (Enterprise Grid sends it in `authorizations`). */
export function teamOf(context: { teamId?: string | undefined }, body: Loose): string {
  const team = body.team as Loose | undefined;
  return context.teamId ?? str(body.team_id) ?? str(team?.id) ?? "unknown";
}
