import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { ChatUser, MessageHandler } from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import type { ConsoleAdapter } from "./console-adapter.ts";

export interface ConsoleChatOptions {
  handle: MessageHandler;
  adapter: ConsoleAdapter;
  user: ChatUser;
  input: Readable;
  output: Writable;
  /** Interactive terminal: show a prompt and a banner. Piped input: just replies. */
  interactive: boolean;
  banner?: string;
  clock?: Clock;
}

/**
 * A terminal chat through the same bot core as Slack and Teams. Lines are handled one at a
 * time so piped scripts get replies in order; the session is one thread.
 */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const clock = options.clock ?? systemClock;
  const thread: ThreadRef = { platform: "console", workspace: "local", channel: "chat", thread: randomUUID() };
  const rl = createInterface({ input: options.input, terminal: options.interactive });
  const prompt = () => {
    if (options.interactive) options.output.write(`${options.user.id}> `);
  };
  if (options.interactive && options.banner) options.output.write(`${options.banner}\n\n`);
  prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === "") {
      prompt();
      continue;
    }
    if (/^(exit|quit)$/i.test(text)) break;
    await options.handle(
      { thread, user: options.user, text, receivedAt: clock.now() },
      {
        reply: async (card) => options.adapter.post(thread, card),
        replyFile: async (file) => options.adapter.postFile(thread, file),
      },
    );
    prompt();
  }
  rl.close();
}
