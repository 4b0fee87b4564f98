import type { Card } from "./card.ts";
import type { IncomingMessage, MessageRef, Responder } from "./chat.ts";
import type { ChatFile } from "./files.ts";
import type { Principal, ToolDomain } from "./principal.ts";

/** One remembered turn of a thread (ARCHITECTURE.md: thread memory lives in the Store). */
export interface HistoryEntry {
  role: "user" | "assistant";
  text: string;
  at: number;
  /** Principal id of the user who wrote it. */
  by?: string;
  /** Compact structured context the answerer wants back next turn (e.g. last listed ids). */
  data?: Record<string, unknown>;
}

export interface AnswerInput {
  message: IncomingMessage;
  principal: Principal;
  history: HistoryEntry[];
  traceId: string;
  /** Bound to the message's thread: for approval cards and progress. */
  responder: Responder;
  /**
   * Posts a card mid-turn (an approval card) that shows `domains`' data, under the channel's
   * audience policy: into the thread, or to the asker privately with a note in the thread.
   * Absent: `responder.reply`.
   */
  post?(card: Card, domains: ToolDomain[]): Promise<MessageRef>;
}

export interface Answer {
  card: Card;
  /** Stored with the assistant's history entry. */
  data?: Record<string, unknown>;
  /**
   * The tool domains whose data the card shows (the domains of the tools that ran). The bot
   * posts it where everyone reading may see these domains, else to the asker privately
   * (ARCHITECTURE.md, decision 8). Absent or empty: no system's data (help, notices).
   */
  domains?: ToolDomain[];
  /** Files the tools made (an export): posted into the thread after the card. */
  files?: ChatFile[];
}

/** Turns a question into a reply card: the agent (chains/agent) or the built-in help responder. */
export interface Answerer {
  answer(input: AnswerInput): Promise<Answer>;
}
