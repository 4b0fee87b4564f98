/**
 * One conversation thread over the composed app (src/main.ts compose) on an injected clock, for
 * the demo or another organisation: what a person says in a thread, in order, with the app's
 * own ports returned so a test can compute the expected answer from the same data and see what
 * an approved write changed.
 */
import { PassThrough } from "node:stream";
import { loadConfig } from "../../src/config/load.ts";
import type { Card } from "../../src/core/card.ts";
import type { MessageRef, Responder } from "../../src/core/chat.ts";
import { fixedClock } from "../../src/core/clock.ts";
import { silentLogger } from "../../src/core/logger.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { type App, compose } from "../../src/main.ts";
import { MemoryStore } from "../../src/store/memory-store.ts";
import { createDemoPorts, type DemoPorts } from "../../tools/demo/demo-ports.ts";
import type { SweepOrg } from "./sweep.ts";

export interface ThreadWorld {
  app: App;
  ports: DemoPorts;
  /** Every card posted in the thread, in order. */
  posted: Card[];
  /** Says `text` in the thread; returns the cards posted in answer. */
  say(text: string): Promise<Card[]>;
  close(): Promise<void>;
}

export async function threadWorld(o: SweepOrg, now: number, thread = "t1"): Promise<ThreadWorld> {
  const clock = fixedClock(now);
  const output = new PassThrough();
  output.resume();
  const ports = createDemoPorts({ clock, profile: o.profile });
  const app = await compose(
    { env: loadConfig({}).env, org: o.org, orgSource: "test" },
    { store: new MemoryStore({ clock }), clock, logger: silentLogger, output, ports },
  );
  const ref: ThreadRef = { platform: "console", workspace: "local", channel: "day", thread };
  const posted: Card[] = [];
  const responder: Responder = {
    reply: async (card): Promise<MessageRef> => {
      posted.push(card);
      return { thread: ref, messageId: `m${posted.length}` };
    },
  };
  return {
    app,
    ports,
    posted,
    async say(text) {
      const before = posted.length;
      await app.bot.handle(
        { thread: ref, user: { platform: "console", id: o.asker }, text, receivedAt: now },
        responder,
      );
      return posted.slice(before);
    },
    close: () => app.close(),
  };
}
