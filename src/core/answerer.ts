import type { Card } from "./card.ts";
import type { IncomingMessage, Responder } from "./chat.ts";
import type { Principal } from "./principal.ts";

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
}

export interface Answer {
  card: Card;
  /** Stored with the assistant's history entry. */
  data?: Record<string, unknown>;
}

/** Turns a question into a reply card: the agent (chains/agent) or the built-in help responder. */
export interface Answerer {
  answer(input: AnswerInput): Promise<Answer>;
}
