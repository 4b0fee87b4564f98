/**
 * A change set behind one approval (WriteAction.steps, src/approvals/steps.ts): each step runs
 * once per approval however often Approve is clicked, a failed step is reported step by step
 * with a "Retry failed steps" button (both renderers), and a retry runs only the failed steps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { Approvals } from "../src/approvals/approvals.ts";
import { stepMarkerKey } from "../src/approvals/steps.ts";
import { createClickRouter } from "../src/bot/clicks.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { orgSchema } from "../src/config/org.ts";
import { APPROVE_ACTION_ID, isDaybookActionId, RETRY_STEPS_ACTION_ID } from "../src/core/action-ids.ts";
import type { WriteAction } from "../src/core/actions.ts";
import { type Card, cardButtons, cardToText } from "../src/core/card.ts";
import type { ButtonClick, ChatUser, Responder } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Store } from "../src/core/store.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";

const org = orgSchema.parse({
  users: [
    { id: "sam", name: "Sam Patel", roles: ["sales"], slack: "USAM" },
    { id: "lee", name: "Lee Chen", roles: ["sales"], slack: "ULEE" },
    { id: "maria", name: "Maria Garcia", roles: ["engineering"], slack: "UMARIA" },
  ],
  roles: { sales: ["crm"], engineering: ["jira"] },
  approvals: { default: { roles: ["sales"], allowSelfApproval: true } },
});
const thread: ThreadRef = { platform: "slack", workspace: "T1", channel: "C1", thread: "1700000000.000100" };
const slack = (id: string): ChatUser => ({ platform: "slack", id });

const schema = z.object({ customer: z.string(), parts: z.array(z.string()).min(1) });

/** Steps that count their runs (by idempotency key) and fail while `failing` names them. */
function changeSet(runs: string[], failing: Set<string>): WriteAction<typeof schema> {
  return {
    name: "crm_change_set",
    domain: "crm",
    description: "test change set",
    schema,
    requiresApproval: true,
    title: (args) => `${args.parts.length} changes on ${args.customer}`,
    describe: (args) => args.parts.map((p, i) => ({ label: `Step ${i + 1}`, value: p })),
    execute: async () => {
      throw new Error("a change set runs its steps, never execute");
    },
    steps: (args) =>
      args.parts.map((part) => ({
        title: part,
        run: async ({ idempotencyKey, previous }) => {
          runs.push(`${part}@${idempotencyKey}`);
          await new Promise((r) => setTimeout(r, 5));
          if (failing.has(part)) {
            throw new DaybookError("upstream_error", "HTTP 502", { userMessage: `the CRM refused ${part}` });
          }
          return { ok: true, summary: `${part} written after ${previous.length} step(s)`, ref: { id: `id-${part}` } };
        },
      })),
  };
}

function world(store: Store) {
  const runs: string[] = [];
  const failing = new Set<string>(["task"]);
  const posted: Card[] = [];
  const updated: Card[] = [];
  const approvals = new Approvals({
    store,
    actions: [changeSet(runs, failing)],
    policies: org.approvals,
    principals: createPrincipalResolver(org),
    clock: fixedClock("2026-12-01T10:00:00Z"),
    logger: silentLogger,
    post: async (_thread, card) => {
      posted.push(card);
    },
    update: async (_message, card) => {
      updated.push(card);
    },
  });
  const router = createClickRouter({ approvals, logger: silentLogger });
  const responder: Responder = {
    reply: async () => ({ thread, messageId: "m" }),
    replyPrivately: async () => ({ thread, messageId: "p" }),
  };
  const click = (actionId: string, value: string, user = "USAM") =>
    router({ actionId, value, user: slack(user), thread } satisfies ButtonClick, responder);
  return { runs, failing, posted, updated, approvals, click };
}

async function requested(w: ReturnType<typeof world>): Promise<string> {
  const approval = await w.approvals.requestApproval(
    {
      tool: "crm_change_set",
      args: { customer: "Kestrel Foods", parts: ["note", "task", "deal"] },
      requester: createPrincipalResolver(org).resolve(slack("USAM")),
      thread,
    },
    async () => ({ thread, messageId: "card-1" }),
  );
  return approval.id;
}

const stores: [string, () => Promise<Store>][] = [["memory", async () => new MemoryStore()]];
if (!redisSkipReason) stores.push(["redis", () => connectTestRedis()]);

for (const [kind, open] of stores) {
  describe(`a change set's steps over the ${kind} store`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store.close();
    });

    it("runs each step once when Approve is clicked twice at once, and reports the failed one step by step", async () => {
      const w = world(store);
      const id = await requested(w);
      await Promise.all([w.click(APPROVE_ACTION_ID, id), w.click(APPROVE_ACTION_ID, id, "ULEE")]);
      expect(w.runs).toEqual([`note@${id}:step:0`, `task@${id}:step:1`, `deal@${id}:step:2`]);
      const approval = await w.approvals.get(id);
      expect(approval?.outcome?.ok).toBe(false);
      expect(approval?.outcome?.steps?.map((s) => s.status)).toEqual(["done", "failed", "done"]);
      expect(approval?.outcome?.summary.split("\n")).toEqual([
        "Step 1 (note): done: note written after 0 step(s)",
        expect.stringMatching(/^Step 2 \(task\): FAILED: the CRM refused task \(approval \w+, trace \w+; /),
        "Step 3 (deal): done: deal written after 2 step(s)",
        "2 of 3 step(s) done, 1 not.",
      ]);
      // The failed step released its marker (a retry may claim it); the others keep theirs.
      expect(await store.get(stepMarkerKey(id, 1))).toBeUndefined();
      expect(await store.get(stepMarkerKey(id, 0))).toContain('"done"');
    });

    it("puts a Retry failed steps button on the result card, in Block Kit and in an Adaptive Card", async () => {
      const w = world(store);
      const id = await requested(w);
      await w.click(APPROVE_ACTION_ID, id);
      const result = w.posted.at(-1);
      if (!result) throw new Error("no result card posted");
      expect(cardButtons(result)).toEqual([
        expect.objectContaining({ actionId: RETRY_STEPS_ACTION_ID, value: id, label: "Retry failed steps" }),
      ]);
      expect(cardToText(result)).toContain("Step 2 (task): FAILED: the CRM refused task");
      const slackJson = JSON.stringify(renderCard(result).blocks);
      expect(slackJson).toContain(RETRY_STEPS_ACTION_ID);
      expect(slackJson).toContain("Retry failed steps");
      // Slack's action listener routes only daybook's own ids; Teams sends the verb as it is.
      expect(isDaybookActionId(RETRY_STEPS_ACTION_ID)).toBe(true);
      const teamsJson = JSON.stringify(renderAdaptiveCard(result));
      expect(teamsJson).toContain(`"verb":"${RETRY_STEPS_ACTION_ID}"`);
      expect(teamsJson).toContain("Step 2 (task): FAILED");
    });

    it("retries only the failed step, once for two clicks, then shows no button", async () => {
      const w = world(store);
      const id = await requested(w);
      await w.click(APPROVE_ACTION_ID, id);
      w.failing.clear();
      const [a, b] = await Promise.all([w.click(RETRY_STEPS_ACTION_ID, id), w.click(RETRY_STEPS_ACTION_ID, id)]);
      expect(w.runs.filter((r) => r.startsWith("task@"))).toEqual([`task@${id}:step:1`, `task@${id}:step:1`]);
      expect(w.runs.filter((r) => r.startsWith("note@"))).toHaveLength(1);
      expect(w.runs.filter((r) => r.startsWith("deal@"))).toHaveLength(1);
      const kinds = [a.kind, b.kind].sort();
      expect(kinds).toEqual(["notice", "update"]);
      const approval = await w.approvals.get(id);
      expect(approval?.outcome?.ok).toBe(true);
      expect(approval?.outcome?.steps?.map((s) => s.status)).toEqual(["done", "done", "done"]);
      const updatedResult = a.kind === "update" ? a.card : b.kind === "update" ? b.card : undefined;
      expect(updatedResult && cardButtons(updatedResult)).toEqual([]);
      expect(updatedResult && cardToText(updatedResult)).toContain("Step 2 (task): done: task written after 1 step(s)");
      // A third click finds nothing to retry and runs nothing.
      const again = await w.click(RETRY_STEPS_ACTION_ID, id);
      expect(again).toEqual({ kind: "notice", text: "Nothing to retry: no step of this change failed." });
      expect(w.runs).toHaveLength(4);
    });

    it("refuses a retry from someone the policy does not list", async () => {
      const w = world(store);
      const id = await requested(w);
      await w.click(APPROVE_ACTION_ID, id);
      w.failing.clear();
      const refused = await w.click(RETRY_STEPS_ACTION_ID, id, "UMARIA");
      expect(refused.kind).toBe("notice");
      expect(w.runs).toHaveLength(3);
    });
  });
}
