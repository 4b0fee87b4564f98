import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Writable } from "node:stream";
import { type Card, cardToText, plainText } from "../../src/core/card.ts";
import type { ChatAdapter, ChatUser, DeliveryReceipt, MessageRef } from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { ChatFile } from "../../src/core/files.ts";
import type { ThreadRef } from "../../src/core/thread.ts";

/** Prints cards as readable text. Digests posted to a console "channel" land here too. */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = "console" as const;
  readonly #out: Writable;
  readonly #clock: Clock;
  #seq = 0;

  readonly #fileDir: string;

  constructor(options: { output: Writable; clock?: Clock; fileDir?: string }) {
    this.#out = options.output;
    this.#clock = options.clock ?? systemClock;
    this.#fileDir = options.fileDir ?? join(tmpdir(), "daybook-files");
  }

  /** A terminal shows no pictures: the file goes to a temp folder and its path is printed. */
  async postFile(thread: ThreadRef, file: ChatFile): Promise<MessageRef> {
    const messageId = `m${++this.#seq}`;
    await mkdir(this.#fileDir, { recursive: true });
    // basename: a file name never chooses another folder.
    const path = join(this.#fileDir, `${messageId}-${basename(file.name)}`);
    await writeFile(path, file.bytes);
    this.#write(`${file.title}: ${path}\n${file.fallbackText}`);
    return { thread, messageId };
  }

  async post(thread: ThreadRef, card: Card): Promise<DeliveryReceipt> {
    const messageId = `m${++this.#seq}`;
    const where = thread.thread === "" ? `#${thread.channel}` : "";
    this.#write(where ? `${where}\n${cardToText(card)}` : cardToText(card));
    return { platform: "console", thread, messageId, postedAt: this.#clock.now() };
  }

  async update(message: MessageRef, card: Card): Promise<void> {
    this.#write(`(updated ${message.messageId})\n${cardToText(card)}`);
  }

  async notify(_thread: ThreadRef, user: ChatUser, text: string): Promise<void> {
    this.#write(`(only ${user.id} sees this) ${plainText(text)}`);
  }

  #write(text: string): void {
    this.#out.write(`${text}\n\n`);
  }
}
