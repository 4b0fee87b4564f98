/**
 * The change set with a real model client (issue 16, item 3): on ChatOpenAI against a local
 * OpenAI-compatible server, "log a call with <customer>: ..." offers crm_log_call_changes on the
 * wire; the model's arguments (no company id, no instant, no stage, no author) are resolved by
 * daybook before the one card, and whatever the model claims as author is replaced by the
 * requester. On the demo and the second organisation.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { MessageRef, Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { type App, compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts, type DemoPorts } from "../tools/demo/demo-ports.ts";
import { call, offeredNames, startFakeOpenAi, turnToolMessages } from "./support/fake-openai.ts";
import { sweepOrgs } from "./support/sweep.ts";

const at = "2026-12-01T09:00:00Z";

for (const o of [sweepOrgs[0]!, sweepOrgs[2]!]) {
  describe(`the change set drafted by ChatOpenAI on ${o.label}`, () => {
    const clock = fixedClock(at);
    const spoken = o.profile.customers.declining.name.split(" ")[0]!;
    let model: Awaited<ReturnType<typeof startFakeOpenAi>>;
    let app: App;
    let ports: DemoPorts;
    const offered: string[][] = [];
    beforeAll(async () => {
      model = await startFakeOpenAi((request) => {
        offered.push(offeredNames(request));
        return turnToolMessages(request).length === 0
          ? {
              calls: [
                call("crm_log_call_changes", {
                  customer: spoken,
                  callNote: "Scheduled training Thursday 2pm, upsold the onboarding package for $2K",
                  followUp: { subject: "Training", when: "Thursday 2pm" },
                  deal: { name: "Onboarding package", amount: 2000, agreed: true },
                  // A model must not choose who the write is for; daybook replaces it.
                  onBehalfOf: { name: "Someone Else" },
                }),
              ],
            }
          : { content: "One approval card lists the call, the training and the deal." };
      });
      const output = new PassThrough();
      output.resume();
      ports = createDemoPorts({ clock, profile: o.profile });
      app = await compose(
        {
          env: loadConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${model.url}/v1`, OPENAI_MODEL: "gpt-test" })
            .env,
          org: o.org,
          orgSource: "test",
        },
        { store: new MemoryStore({ clock }), clock, logger: silentLogger, output, ports },
      );
    });
    afterAll(async () => {
      await app.close();
      await model.close();
    });

    it("offers the change set, resolves the model's words and credits the requester", async () => {
      const thread: ThreadRef = { platform: "console", workspace: "local", channel: "sales", thread: "c1" };
      const posted: Card[] = [];
      const responder: Responder = {
        reply: async (card): Promise<MessageRef> => {
          posted.push(card);
          return { thread, messageId: `m${posted.length}` };
        },
      };
      await app.bot.handle(
        {
          thread,
          user: { platform: "console", id: o.asker },
          text: `log a call with ${spoken}: scheduled training Thursday 2pm, upsold the onboarding package for $2K`,
          receivedAt: clock.now(),
        },
        responder,
      );
      expect(offered[0]).toContain("crm_log_call_changes");
      const card = posted.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
      expect(card, posted.map(cardToText).join("\n")).toBeDefined();
      const text = cardToText(card!);
      const customer = (await ports.crm.findCustomers(o.profile.customers.declining.name))[0]!;
      const asker = o.org.users.find((u) => u.id === o.asker)!;
      expect(text).toContain(`(company ${customer.id})`);
      expect(text).toContain(`Author: ${asker.name}`);
      expect(text).not.toContain("Someone Else");
      expect(text).toContain("stage Closed Won");
      expect(text).toMatch(/Training, Thu \d+ Dec at 14:00/);
    });
  });
}
