/**
 * User stories into Jira with a real model client (issue 16, item 5): the composed app on
 * ChatOpenAI against a local OpenAI-compatible server drafts "write a user story for password
 * reset via email" into jira_create_story; the card shows the draft (both renderers); approving
 * it twice at once creates the Story and its sub-tasks once, each sub-task linked to the story
 * with parent: { key }, in Jira Cloud's request shapes against the scripted Jira fake. On the
 * demo and the second organisation.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { loadConfig } from "../src/config/load.ts";
import { APPROVE_ACTION_ID } from "../src/core/action-ids.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { MessageRef, Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { type App, compose } from "../src/main.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { call, offeredNames, startFakeOpenAi, turnToolMessages } from "./support/fake-openai.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";
import { sweepOrgs } from "./support/sweep.ts";

const at = "2026-12-02T10:00:00Z";
const draft = {
  summary: "Password reset via email",
  story: "As a signed-out user, I want to reset my password by email so that I can get back into my account.",
  acceptanceCriteria: [
    "Given a registered email, when I request a reset, then a single-use link arrives within a minute",
    "Given an expired link, when I open it, then I am asked to request a new one",
  ],
  securityRequirements: ["Links expire after 30 minutes and work once"],
  subtasks: [{ summary: "Reset token table and expiry job", estimate: "4h" }, { summary: "Reset email template" }],
  storyPoints: 5,
};

const orgs = [
  { o: sweepOrgs[0]!, engineer: "maria" },
  { o: sweepOrgs[2]!, engineer: "jonas" },
];

for (const { o, engineer } of orgs) {
  describe(`a user story drafted by ChatOpenAI on ${o.label}`, () => {
    const clock = fixedClock(at);
    let fakes: OrgFakes;
    let model: Awaited<ReturnType<typeof startFakeOpenAi>>;
    let app: App;
    const offered: string[][] = [];
    beforeAll(async () => {
      fakes = await startOrgFakes(generateDemoOrg({ now: Date.parse(at), profile: o.profile }), clock);
      model = await startFakeOpenAi((request) => {
        offered.push(offeredNames(request));
        // First the draft, then a sentence about the tool's answer (the approval request).
        return turnToolMessages(request).length === 0
          ? { calls: [call("jira_create_story", draft)] }
          : { content: "I drafted the story with two sub-tasks; it waits for approval." };
      });
      const output = new PassThrough();
      output.resume();
      app = await compose(
        {
          env: loadConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: `${model.url}/v1`, OPENAI_MODEL: "gpt-test" })
            .env,
          org: o.org,
          orgSource: "test",
        },
        { store: new MemoryStore({ clock }), clock, logger: silentLogger, output, ports: fakes.ports },
      );
    });
    afterAll(async () => {
      await app.close();
      await model.close();
      await fakes.close();
    });

    it("shows the drafted story on one card and creates the story and its linked sub-tasks once", async () => {
      const thread: ThreadRef = { platform: "console", workspace: "local", channel: "eng", thread: "s1" };
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
          user: { platform: "console", id: engineer },
          text: "write a user story for password reset via email",
          receivedAt: clock.now(),
        },
        responder,
      );
      expect(offered[0]).toContain("jira_create_story");
      const card = posted.find((c) => cardButtons(c).some((b) => b.actionId === APPROVE_ACTION_ID));
      expect(card, posted.map(cardToText).join("\n")).toBeDefined();
      const text = cardToText(card!);
      expect(text).toContain('Create a Jira story with 2 sub-task(s): "Password reset via email"');
      expect(text).toContain("1. Given a registered email, when I request a reset");
      expect(text).toContain("Reset token table and expiry job (4h)");
      expect(text).toContain("Story points: 5");
      expect(blockKitViolations(renderCard(card!))).toEqual([]);
      expectValidAdaptiveCard(renderAdaptiveCard(card!));
      const creates = () =>
        fakes.jira.requests
          .filter((r) => r.method === "POST" && r.path === "/rest/api/3/issue")
          .map((r) => JSON.parse(r.body).fields as Record<string, unknown>);
      expect(creates()).toHaveLength(0);

      const id = cardButtons(card!).find((b) => b.actionId === APPROVE_ACTION_ID)!.value!;
      const results = await Promise.all([
        app.approvals.decide(id, { platform: "console", id: engineer }, "approve"),
        app.approvals.decide(id, { platform: "console", id: engineer }, "approve"),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(["already_decided", "decided"]);
      const approval = await app.approvals.get(id);
      expect(approval?.outcome?.ok, approval?.outcome?.summary).toBe(true);
      const fields = creates();
      expect(fields.map((f) => (f.issuetype as { name: string }).name)).toEqual(["Story", "Subtask", "Subtask"]);
      const storyKey = approval?.outcome?.ref?.id;
      expect(storyKey).toMatch(/^[A-Z]+-\d+$/);
      expect(fields.slice(1).map((f) => f.parent)).toEqual([{ key: storyKey }, { key: storyKey }]);
      expect(fields.map((f) => f.summary)).toEqual([
        "Password reset via email",
        "Reset token table and expiry job",
        "Reset email template",
      ]);
    });
  });
}
