/**
 * Shared set-up for the agent tests: the demo organisation's ports and tool catalog, and a
 * way to ask one question as a configured user in one thread.
 */
import type { AgentToolCatalog } from "../chains/agent/agent.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { demoOrg } from "../src/config/demo-org.ts";
import type { Answer, Answerer, AnswerInput, HistoryEntry } from "../src/core/answerer.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import type { Responder } from "../src/core/chat.ts";
import { type Clock, fixedClock } from "../src/core/clock.ts";
import type { Principal, PrincipalResolver } from "../src/core/principal.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createDemoPorts, type DemoPorts } from "../tools/demo/demo-ports.ts";

export const demoNow = "2026-11-23T09:00:00Z";

export function demoWorld(clock: Clock = fixedClock(demoNow)): { ports: DemoPorts; catalog: AgentToolCatalog } {
  const ports = createDemoPorts({ clock });
  return { ports, catalog: createToolCatalog(ports, { clock }) };
}

export function agentCatalog(): AgentToolCatalog {
  return demoWorld().catalog;
}

export const demoPrincipals: PrincipalResolver = createPrincipalResolver(demoOrg);

export function principalOf(userId: string, principals: PrincipalResolver = demoPrincipals): Principal {
  return principals.resolve({ platform: "console", id: userId });
}

export const testThread: ThreadRef = { platform: "console", workspace: "local", channel: "agent-test", thread: "t1" };

/** Records everything posted in the thread during a turn (approval cards). */
export function recordingResponder(): Responder & { posted: Card[] } {
  const posted: Card[] = [];
  let n = 0;
  return {
    posted,
    async reply(card: Card) {
      posted.push(card);
      return { thread: testThread, messageId: `m${++n}` };
    },
  };
}

export interface AskOptions {
  history?: HistoryEntry[];
  traceId?: string;
  responder?: Responder & { posted: Card[] };
  thread?: ThreadRef;
}

export async function askAs(
  answerer: Answerer,
  principals: PrincipalResolver,
  userId: string,
  text: string,
  options: AskOptions = {},
): Promise<{ answer: Answer; posted: Card[]; input: AnswerInput }> {
  const principal = principalOf(userId, principals);
  const responder = options.responder ?? recordingResponder();
  const input: AnswerInput = {
    message: {
      thread: options.thread ?? testThread,
      user: principal.chatUser,
      text,
      receivedAt: Date.parse(demoNow),
    },
    principal,
    history: options.history ?? [],
    traceId: options.traceId ?? "trace-test",
    responder,
  };
  const answer = await answerer.answer(input);
  return { answer, posted: responder.posted, input };
}

/** A thread's memory, kept the way the bot keeps it (src/bot/bot.ts). */
export class Conversation {
  readonly history: HistoryEntry[] = [];
  readonly #answerer: Answerer;
  readonly #userId: string;

  constructor(answerer: Answerer, userId: string) {
    this.#answerer = answerer;
    this.#userId = userId;
  }

  async ask(text: string, options: Omit<AskOptions, "history"> = {}) {
    const result = await askAs(this.#answerer, demoPrincipals, this.#userId, text, {
      ...options,
      history: [...this.history],
    });
    this.history.push({ role: "user", text, at: Date.parse(demoNow), by: this.#userId });
    this.history.push({
      role: "assistant",
      text: cardToText(result.answer.card),
      at: Date.parse(demoNow),
      ...(result.answer.data ? { data: result.answer.data } : {}),
    });
    return { ...result, text: replyText(result.answer.card) };
  }
}

/** The reply's text blocks (without the context line). */
export function replyText(card: Card): string {
  return card.blocks
    .filter((b) => b.type === "text")
    .map((b) => (b.type === "text" ? b.text : ""))
    .join("\n");
}

export function contextLine(card: Card): string | undefined {
  const block = card.blocks.find((b) => b.type === "context");
  return block?.type === "context" ? block.text : undefined;
}
