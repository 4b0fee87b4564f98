/**
 * Messages in a fake Slack as people read them: chat.postMessage adds one, chat.update replaces
 * its text, blocks and metadata (as Slack does), and a turn's "Working on it…" placeholder
 * (metadata `placeholder: true`, adapters/slack/adapter.ts) is not a reply until its answer
 * replaces it. Fakes answer those two methods with `post` and `update`; tests read `posted`.
 */
export class SlackMessages {
  readonly #messages: { ts: string; args: Record<string, unknown> }[] = [];
  readonly #tsPrefix: string;
  #seq = 0;

  constructor(tsPrefix = "1764493200") {
    this.#tsPrefix = tsPrefix;
  }

  /** chat.postMessage: keeps the message, answers with its ts. */
  post(args: Record<string, unknown>): { body: Record<string, unknown> } {
    const ts = `${this.#tsPrefix}.${String(++this.#seq).padStart(6, "0")}`;
    this.#messages.push({ ts, args });
    return { body: { ok: true, channel: args.channel, ts } };
  }

  /** chat.update: the message now reads as updated. */
  update(args: Record<string, unknown>): { body: Record<string, unknown> } {
    const i = this.#messages.findIndex((m) => m.ts === args.ts && m.args.channel === args.channel);
    const before = this.#messages[i];
    if (before) {
      const { text, blocks, metadata } = args;
      this.#messages[i] = { ts: before.ts, args: { ...before.args, text, blocks, ...(metadata ? { metadata } : {}) } };
    }
    return { body: { ok: true, channel: args.channel, ts: args.ts } };
  }

  /** Forgets every message (between tests sharing one fake). */
  clear(): void {
    this.#messages.splice(0);
  }

  /** Posted messages as they read now, oldest first, placeholders left out. */
  posted(): { ts: string; args: Record<string, unknown> }[] {
    return this.#messages.filter((m) => !isPlaceholder(m.args));
  }
}

/** A turn's placeholder while it still is one. */
export function isPlaceholder(args: Record<string, unknown>): boolean {
  const meta = args.metadata as { event_payload?: { placeholder?: unknown } } | undefined;
  return meta?.event_payload?.placeholder === true;
}
