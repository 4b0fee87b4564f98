import type { ChatUser } from "../core/chat.ts";
import type { Store } from "../core/store.ts";
import type { ThreadRef } from "../core/thread.ts";

/** What a person asked, newest last: their App Home lists it. */
export interface RecentQuestion {
  text: string;
  at: number;
  thread: ThreadRef;
}

const ttlMs = 14 * 24 * 3_600_000;
const maxEntries = 10;
const maxTextLength = 300;

/**
 * A short per-person list of recent questions, beside the per-thread memory
 * (thread-history.ts) which has no index by person. Scoped by platform and workspace (a Slack
 * team id is only unique with its team), capped in length and age like thread memory.
 */
export class RecentQuestions {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  static key(user: ChatUser, workspace: string): string {
    return `recent:${user.platform}:${workspace}:${user.id}`;
  }

  async remember(user: ChatUser, question: RecentQuestion): Promise<void> {
    const entry: RecentQuestion = { ...question, text: question.text.slice(0, maxTextLength) };
    await this.#store.append(RecentQuestions.key(user, question.thread.workspace), JSON.stringify(entry), {
      maxLength: maxEntries,
      ttlMs,
    });
  }

  /** Newest first. */
  async list(user: ChatUser, workspace: string, limit = 5): Promise<RecentQuestion[]> {
    const raw = await this.#store.range(RecentQuestions.key(user, workspace), -limit, -1);
    return raw.map((r) => JSON.parse(r) as RecentQuestion).reverse();
  }
}
