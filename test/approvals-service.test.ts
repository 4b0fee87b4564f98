import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../src/approvals/approval-card.ts";
import { Approvals, hashArgs } from "../src/approvals/approvals.ts";
import { AUDIT_KEY, AuditLog, formatAuditTable } from "../src/approvals/audit.ts";
import { Bot } from "../src/bot/bot.ts";
import { HelpAnswerer } from "../src/bot/help-answerer.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { ThreadHistory } from "../src/bot/thread-history.ts";
import { orgSchema } from "../src/config/org.ts";
import type { WriteAction } from "../src/core/actions.ts";
import type { Approval } from "../src/core/approval.ts";
import { type Card, cardButtons, cardToText, plainText } from "../src/core/card.ts";
import type { ChatUser, MessageRef } from "../src/core/chat.ts";
import { fixedClock } from "../src/core/clock.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import type { Store } from "../src/core/store.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { connectTestRedis, redisSkipReason } from "./support/redis.ts";

const org = orgSchema.parse({
  users: [
    { id: "alex", name: "Alex Rivera", roles: ["admin", "sales", "finance"], slack: "UALEX" },
    { id: "sam", name: "Sam Patel", roles: ["sales"], slack: "USAM" },
    { id: "maria", name: "Maria Garcia", roles: ["engineering"], slack: "UMARIA" },
    { id: "fiona", name: "Fiona Walsh", roles: ["finance"], slack: "UFIONA" },
    { id: "gina", name: "Gina Ortiz", roles: ["finance"], slack: "UGINA" },
  ],
  roles: { admin: ["jira", "crm", "accounting"], sales: ["crm"], engineering: ["jira"], finance: ["accounting"] },
  approvals: {
    default: { roles: ["admin"], allowSelfApproval: true },
    crm_log_activity: { roles: ["sales", "admin"], ttlHours: 72, allowSelfApproval: true },
    accounting_approve_invoice: { users: [], roles: ["finance"], allowSelfApproval: false, ttlHours: 24 },
    locked_action: { users: [], roles: [] },
  },
});

const thread: ThreadRef = { platform: "slack", workspace: "T1", channel: "C1", thread: "1700000000.000100" };
const slack = (id: string): ChatUser => ({ platform: "slack", id });
const principals = createPrincipalResolver(org);

/** A real WriteAction whose only side effect is a counter (and the keys it was given). */
function countingAction(name: string, calls: string[], fail = false) {
  const schema = z.object({
    customer: z.string().min(1),
    note: z.string().min(1),
    minutes: z.number().int().positive(),
  });
  const action: WriteAction<typeof schema> = {
    name,
    domain: name.startsWith("accounting_") ? "accounting" : "crm",
    description: "test write",
    schema,
    requiresApproval: true,
    title: (args) => `Log a call on ${args.customer}`,
    describe: (args) => [
      { label: "Customer", value: args.customer },
      { label: "Note", value: args.note },
      { label: "Minutes", value: String(args.minutes) },
    ],
    execute: async (args, { idempotencyKey }) => {
      calls.push(idempotencyKey);
      // Yield so two concurrent decides really interleave around the side effect.
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error("HTTP 500 from https://crm.example/api?token=secret-value");
      return { ok: true, summary: `Logged call on ${args.customer}`, ref: { id: "act-1" } };
    },
  };
  return action;
}

const callArgs = { customer: "BrightTech Inc", note: "Renewal call, agreed next steps", minutes: 30 };

interface World {
  store: Store;
  clock: ReturnType<typeof fixedClock>;
  approvals: Approvals;
  counters: Record<string, string[]>;
  posted: Card[];
  results: { thread: ThreadRef; card: Card }[];
  updates: { message: MessageRef; card: Card }[];
  request(tool: string, as: string, args?: Record<string, unknown>): Promise<Approval>;
  raw(id: string): Promise<string | undefined>;
  reconnect?(): Promise<World>;
}

type StoreFactory = (clock: ReturnType<typeof fixedClock>) => Promise<{ store: Store; reopen?: () => Promise<Store> }>;

async function makeWorld(
  store: Store,
  clock: ReturnType<typeof fixedClock>,
  counters: Record<string, string[]> = {},
): Promise<World> {
  // Counters live outside the service so a re-created ("restarted") one is measured too.
  const calls = (name: string) => {
    counters[name] ??= [];
    return counters[name];
  };
  const actions = [
    countingAction("crm_log_activity", calls("crm_log_activity")),
    countingAction("accounting_approve_invoice", calls("accounting_approve_invoice")),
    countingAction("locked_action", calls("locked_action")),
    countingAction("crm_update_deal_stage", calls("crm_update_deal_stage"), true),
  ];
  const posted: Card[] = [];
  const results: { thread: ThreadRef; card: Card }[] = [];
  const updates: { message: MessageRef; card: Card }[] = [];
  const approvals = new Approvals({
    store,
    actions,
    policies: org.approvals,
    principals,
    clock,
    logger: silentLogger,
    post: async (t, card) => {
      results.push({ thread: t, card });
    },
    update: async (message, card) => {
      updates.push({ message, card });
    },
  });
  let n = 0;
  return {
    store,
    clock,
    approvals,
    counters,
    posted,
    results,
    updates,
    request: (tool, as, args = callArgs) =>
      approvals.requestApproval(
        { tool, args, requester: principals.resolve(slack(as)), thread },
        async (card): Promise<MessageRef> => {
          posted.push(card);
          n += 1;
          return { thread, messageId: `msg-${n}` };
        },
      ),
    raw: (id) => store.get(`approval:${id}`),
  };
}

function approvalSuite(label: string, factory: StoreFactory) {
  describe(`Approvals on ${label}`, () => {
    let world: World;
    let reopen: (() => Promise<Store>) | undefined;
    const opened: Store[] = [];

    beforeEach(async () => {
      const clock = fixedClock("2026-11-23T09:00:00Z");
      const made = await factory(clock);
      opened.push(made.store);
      reopen = made.reopen;
      world = await makeWorld(made.store, clock);
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it("stores a pending record with the exact arguments and posts a card with both buttons", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      expect(approval).toMatchObject({
        tool: "crm_log_activity",
        args: callArgs,
        argsHash: hashArgs(callArgs),
        status: "pending",
        requester: { principalId: "sam", name: "Sam Patel" },
        createdAt: Date.parse("2026-11-23T09:00:00Z"),
        expiresAt: Date.parse("2026-11-26T09:00:00Z"),
        message: { thread, messageId: "msg-1" },
      });
      expect(approval.id).toMatch(/^[a-z0-9]{10}$/);
      expect(await world.approvals.get(approval.id)).toEqual(approval);
      const card = world.posted[0] as Card;
      expect(cardButtons(card).map((b) => [b.actionId, b.value])).toEqual([
        [APPROVE_ACTION_ID, approval.id],
        [REJECT_ACTION_ID, approval.id],
      ]);
      const text = cardToText(card);
      expect(text).toContain("Log a call on BrightTech Inc");
      expect(text).toContain("Renewal call, agreed next steps");
      expect(text).toContain(`approve ${approval.id}`);
    });

    it("rejects invalid arguments at request time and stores nothing", async () => {
      const attempt = world.request("crm_log_activity", "USAM", { customer: "", note: "x", minutes: -3 });
      await expect(attempt).rejects.toBeInstanceOf(DaybookError);
      await expect(attempt).rejects.toMatchObject({ code: "bad_request" });
      expect(world.posted).toHaveLength(0);
      expect(await world.approvals.audit.list(10)).toEqual([]);
    });

    it("executes an approved action once when clicked twice concurrently", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      const results = await Promise.all([
        world.approvals.decide(approval.id, slack("UALEX"), "approve"),
        world.approvals.decide(approval.id, slack("USAM"), "approve"),
      ]);
      expect(results.map((r) => r.kind).sort()).toEqual(["already_decided", "decided"]);
      expect(world.counters.crm_log_activity).toEqual([approval.id]);
      const decided = results.find((r) => r.kind === "decided");
      const second = results.find((r) => r.kind === "already_decided");
      if (decided?.kind !== "decided" || second?.kind !== "already_decided") throw new Error("unreachable");
      const winner = decided.approval.decidedBy?.name ?? "";
      expect(plainText(second.notice)).toBe(`Already approved by ${winner} at 2026-11-23 09:00 UTC.`);
      expect(decided.approval.outcome).toEqual({
        ok: true,
        summary: "Logged call on BrightTech Inc",
        ref: { id: "act-1" },
      });
      expect(cardButtons(decided.card)).toEqual([]);
      expect(cardToText(decided.card)).toContain(`Approved by ${winner} at 2026-11-23 09:00 UTC`);
      expect(world.results.map((r) => cardToText(r.card))).toEqual([
        expect.stringContaining("Done: Logged call on BrightTech Inc"),
      ]);
      expect((await world.approvals.get(approval.id))?.status).toBe("approved");
      expect(world.updates).toEqual([{ message: { thread, messageId: "msg-1" }, card: decided.card }]);
    });

    it("changes nothing when the clicker is not allowed", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      const before = await world.raw(approval.id);
      const result = await world.approvals.decide(approval.id, slack("UMARIA"), "approve");
      expect(result).toMatchObject({
        kind: "not_allowed",
        notice: "Only someone with the sales or admin role can approve this.",
      });
      expect(await world.raw(approval.id)).toBe(before);
      expect(world.counters.crm_log_activity).toEqual([]);
      const audit = await world.approvals.audit.list(10);
      expect(audit.map((e) => [e.event, e.actor.id])).toEqual([
        ["requested", "sam"],
        ["refused", "maria"],
      ]);
    });

    it("refuses an expired approval and never executes it", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      world.clock.advance(72 * 3_600_000);
      const result = await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      expect(result.kind).toBe("expired");
      if (result.kind !== "expired") throw new Error("unreachable");
      expect(cardToText(result.card)).toContain("Expired at 2026-11-26 09:00 UTC");
      expect(cardButtons(result.card)).toEqual([]);
      const again = await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      expect(again.kind).toBe("expired");
      expect(world.counters.crm_log_activity).toEqual([]);
      expect((await world.approvals.get(approval.id))?.status).toBe("expired");
    });

    it("never executes a rejected approval, and keeps the reason", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      const result = await world.approvals.decide(approval.id, slack("UALEX"), "reject", "wrong customer");
      expect(result.kind).toBe("decided");
      if (result.kind !== "decided") throw new Error("unreachable");
      expect(cardToText(result.card)).toContain("Rejected by Alex Rivera at 2026-11-23 09:00 UTC (wrong customer)");
      const late = await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      expect(late.kind === "already_decided" ? plainText(late.notice) : late.kind).toBe(
        "Already rejected by Alex Rivera at 2026-11-23 09:00 UTC.",
      );
      expect(late).toMatchObject({
        kind: "already_decided",
      });
      expect(world.counters.crm_log_activity).toEqual([]);
      expect(world.results).toEqual([]);
    });

    it("does not let the requester approve their own request when the policy forbids it", async () => {
      const approval = await world.request("accounting_approve_invoice", "UFIONA");
      const own = await world.approvals.decide(approval.id, slack("UFIONA"), "approve");
      expect(own).toMatchObject({ kind: "not_allowed" });
      if (own.kind !== "not_allowed") throw new Error("unreachable");
      expect(own.notice).toContain("You asked for this");
      expect(world.counters.accounting_approve_invoice).toEqual([]);
      const other = await world.approvals.decide(approval.id, slack("UGINA"), "approve");
      expect(other.kind).toBe("decided");
      expect(world.counters.accounting_approve_invoice).toEqual([approval.id]);
    });

    it("lets nobody approve when the policy lists no users and no roles", async () => {
      const approval = await world.request("locked_action", "UALEX");
      for (const user of ["UALEX", "USAM", "UFIONA"]) {
        const result = await world.approvals.decide(approval.id, slack(user), "approve");
        expect(result).toMatchObject({
          kind: "not_allowed",
          notice: expect.stringContaining("Nobody can approve this"),
        });
      }
      expect(world.counters.locked_action).toEqual([]);
      expect((await world.approvals.get(approval.id))?.status).toBe("pending");
    });

    it("records a failed execution with a readable summary and no upstream details", async () => {
      const approval = await world.request("crm_update_deal_stage", "USAM");
      const result = await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      if (result.kind !== "decided") throw new Error(`expected decided, got ${result.kind}`);
      expect(result.approval.outcome?.ok).toBe(false);
      const text = cardToText(result.card) + cardToText(world.results[0]?.card ?? { blocks: [] });
      expect(text).toContain("Failed: A connected system returned an error.");
      expect(text).not.toMatch(/secret-value|HTTP 500|at .*\.ts:\d+/);
      expect((await world.approvals.audit.list(10)).map((e) => e.event)).toEqual(["requested", "approved", "failed"]);
    });

    it("does not run the call again when an earlier attempt already claimed its execution", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      // What a process that crashed mid-execution leaves behind.
      await world.store.set(`approval:${approval.id}:executed`, JSON.stringify({ at: world.clock.now() }));
      const result = await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      if (result.kind !== "decided") throw new Error(`expected decided, got ${result.kind}`);
      expect(world.counters.crm_log_activity).toEqual([]);
      expect(cardToText(result.card)).toContain("Failed: An earlier attempt already started this call");
    });

    it("refuses to request an approval for an action it does not know", async () => {
      await expect(world.request("crm_delete_everything", "UALEX")).rejects.toMatchObject({ code: "unknown_action" });
      expect(world.posted).toHaveLength(0);
    });

    it("records an approved call that never answers as unanswered instead of hanging", async () => {
      const hanging = new Approvals({
        store: world.store,
        actions: [
          {
            ...countingAction("crm_log_activity", []),
            execute: () => new Promise(() => {}),
          },
        ],
        policies: { crm_log_activity: { users: [], roles: ["sales", "admin"], allowSelfApproval: true, ttlHours: 72 } },
        principals,
        clock: world.clock,
        logger: silentLogger,
        executeTimeoutMs: 20,
      });
      const approval = await hanging.requestApproval(
        { tool: "crm_log_activity", args: callArgs, requester: principals.resolve(slack("USAM")), thread },
        async () => ({ thread, messageId: "m" }),
      );
      const result = await hanging.decide(approval.id, slack("UALEX"), "approve");
      if (result.kind !== "decided") throw new Error(`expected decided, got ${result.kind}`);
      expect(result.approval.outcome).toMatchObject({ ok: false, summary: expect.stringContaining("did not answer") });
    });

    it("answers not found for an unknown or malformed id", async () => {
      expect((await world.approvals.decide("zzzzzzzzzz", slack("UALEX"), "approve")).kind).toBe("not_found");
      expect((await world.approvals.decide("../../x", slack("UALEX"), "approve")).kind).toBe("not_found");
    });

    it("lists the request and the decision with the argsHash in the audit table", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      const entries = await new AuditLog(world.store).list(10);
      expect(entries.map((e) => e.event)).toEqual(["requested", "approved", "executed"]);
      const table = formatAuditTable(entries);
      const lines = table.split("\n");
      expect(lines[0]).toMatch(/^TIME \(UTC\)\s+APPROVAL\s+EVENT\s+TOOL\s+ACTOR\s+ARGS SHA-256\s+OUTCOME$/);
      expect(lines[2]).toContain(`${approval.id}  requested`);
      expect(lines[2]).toContain("Sam Patel (sam)");
      expect(lines[3]).toContain("approved");
      expect(lines[3]).toContain("Alex Rivera (alex)");
      for (const line of lines.slice(2)) expect(line).toContain(approval.argsHash);
    });

    it("still runs an approved call once when the audit log fails right after the decision", async () => {
      const flaky = failFirstAuditAfterApproval(world.store);
      const flakyWorld = await makeWorld(flaky.store, world.clock);
      const approval = await flakyWorld.request("crm_log_activity", "USAM");
      const result = await flakyWorld.approvals.decide(approval.id, slack("UALEX"), "approve");
      expect(flaky.failures()).toBe(1);
      if (result.kind !== "decided") throw new Error(`expected decided, got ${result.kind}`);
      expect(result.approval.outcome).toMatchObject({ ok: true, summary: "Logged call on BrightTech Inc" });
      const again = await flakyWorld.approvals.decide(approval.id, slack("USAM"), "approve");
      expect(again.kind).toBe("already_decided");
      expect(flakyWorld.counters.crm_log_activity).toEqual([approval.id]);
      // The lost line is the only gap in the trail; the execution itself is recorded.
      expect((await flakyWorld.approvals.audit.list(10)).map((e) => e.event)).toEqual(["requested", "executed"]);
    });

    it("runs the call once when a later click finds an approval that a crash left without an outcome", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      await leaveApprovedWithoutOutcome(world, approval.id);

      const early = await world.approvals.decide(approval.id, slack("USAM"), "approve");
      expect(early).toMatchObject({ kind: "already_decided", approval: { status: "approved" } });
      expect(early.kind === "already_decided" && early.approval.outcome).toBe(undefined);
      expect(world.counters.crm_log_activity).toEqual([]);

      world.clock.advance(120_000);
      const late = await world.approvals.decide(approval.id, slack("USAM"), "approve");
      if (late.kind !== "already_decided") throw new Error(`expected already_decided, got ${late.kind}`);
      expect(world.counters.crm_log_activity).toEqual([approval.id]);
      expect(late.approval.outcome).toMatchObject({ ok: true, summary: "Logged call on BrightTech Inc" });
      expect(plainText(late.notice)).toBe(
        "Already approved by Alex Rivera at 2026-11-23 09:00 UTC. Done: Logged call on BrightTech Inc",
      );
      expect(cardToText(late.card)).toContain("Done: Logged call on BrightTech Inc");
      expect(world.results.map((r) => cardToText(r.card))).toEqual([
        expect.stringContaining("Done: Logged call on BrightTech Inc"),
      ]);

      await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      expect((await world.approvals.get(approval.id))?.outcome?.ok).toBe(true);
      expect(world.counters.crm_log_activity).toEqual([approval.id]);
    });

    it("records an unknown result, without running it, when a stuck approval's call had already started", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      await leaveApprovedWithoutOutcome(world, approval.id);
      // The crash came after the execution marker was claimed: the call may have gone through.
      await world.store.set(`approval:${approval.id}:executed`, JSON.stringify({ at: world.clock.now() }));
      world.clock.advance(120_000);

      const seen = await world.approvals.get(approval.id);
      expect(seen?.outcome).toEqual({
        ok: false,
        summary:
          "An earlier attempt already started this call but its result was not recorded; check the target system before asking again.",
      });
      const click = await world.approvals.decide(approval.id, slack("UALEX"), "approve");
      expect(click.kind === "already_decided" && cardToText(click.card)).toContain("check the target system");
      expect(world.counters.crm_log_activity).toEqual([]);
      expect((await world.approvals.audit.list(10)).map((e) => e.event)).toEqual(["requested", "failed"]);
    });

    it("leaves a stuck approval alone while another replica has only just started its call", async () => {
      const approval = await world.request("crm_log_activity", "USAM");
      await leaveApprovedWithoutOutcome(world, approval.id);
      world.clock.advance(120_000);
      await world.store.set(`approval:${approval.id}:executed`, JSON.stringify({ at: world.clock.now() }));

      expect((await world.approvals.recover(approval.id))?.outcome).toBe(undefined);
      expect(world.counters.crm_log_activity).toEqual([]);
      expect(world.results).toEqual([]);
    });

    it("keeps the real result when a slow call finishes after recovery marked it unknown", async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const calls: string[] = [];
      const slow = new Approvals({
        store: world.store,
        actions: [
          {
            ...countingAction("crm_log_activity", calls),
            execute: async (_args, { idempotencyKey }) => {
              calls.push(idempotencyKey);
              await gate;
              return { ok: true, summary: "Logged call on BrightTech Inc" };
            },
          },
        ],
        policies: { crm_log_activity: { users: [], roles: ["sales", "admin"], allowSelfApproval: true, ttlHours: 72 } },
        principals,
        clock: world.clock,
        logger: silentLogger,
      });
      const approval = await slow.requestApproval(
        { tool: "crm_log_activity", args: callArgs, requester: principals.resolve(slack("USAM")), thread },
        async () => ({ thread, messageId: "m" }),
      );
      const first = slow.decide(approval.id, slack("UALEX"), "approve");
      await vi.waitFor(() => expect(calls).toHaveLength(1));
      world.clock.advance(120_000);
      expect((await slow.get(approval.id))?.outcome?.summary).toContain("check the target system");
      release();
      const decided = await first;
      expect(decided.kind === "decided" && decided.approval.outcome?.ok).toBe(true);
      expect((await slow.get(approval.id))?.outcome).toEqual({ ok: true, summary: "Logged call on BrightTech Inc" });
      expect(calls).toEqual([approval.id]);
    });

    it("refuses a request from someone whose roles do not grant the action's domain, storing nothing", async () => {
      const attempt = world.request("accounting_approve_invoice", "USAM");
      await expect(attempt).rejects.toMatchObject({
        code: "forbidden",
        userMessage: "You don't have access to accounting, so you can't request this.",
      });
      expect(world.posted).toHaveLength(0);
      expect(await world.approvals.audit.list(10)).toEqual([]);
      // A person with the domain can still ask.
      expect((await world.request("accounting_approve_invoice", "UFIONA")).status).toBe("pending");
    });

    // Only a store outside the process can survive a restart.
    if (label === "Redis")
      it("keeps a pending approval across a restart and approves it once", async () => {
        const approval = await world.request("crm_log_activity", "USAM");
        if (!reopen) throw new Error("Redis suite must provide reopen()");
        await world.store.close();
        opened.splice(opened.indexOf(world.store), 1);
        const store = await reopen();
        opened.push(store);
        const restarted = await makeWorld(store, world.clock, world.counters);
        expect((await restarted.approvals.get(approval.id))?.status).toBe("pending");
        // The new process decides through a new Bot and the `approve <id>` text fallback.
        const bot = new Bot({
          answerer: new HelpAnswerer(),
          history: new ThreadHistory(store),
          principals,
          logger: silentLogger,
          approvals: restarted.approvals,
          clock: world.clock,
        });
        const replies: Card[] = [];
        const responder = {
          reply: async (card: Card): Promise<MessageRef> => {
            replies.push(card);
            return { thread, messageId: `reply-${replies.length}` };
          },
        };
        const say = (text: string, user: string) =>
          bot.handle({ thread, user: slack(user), text, receivedAt: world.clock.now() }, responder);
        await say(`approve ${approval.id}`, "UALEX");
        await say(`approve ${approval.id}`, "USAM");
        expect(world.counters.crm_log_activity).toEqual([approval.id]);
        expect(cardToText(replies[0] as Card)).toContain("Approved by Alex Rivera");
        expect(cardToText(replies[1] as Card)).toContain("Already approved by Alex Rivera");
      });
  });
}

/** Rewrites the record the way a process that died right after the approve compare-and-set leaves it. */
async function leaveApprovedWithoutOutcome(world: World, id: string): Promise<void> {
  const raw = await world.raw(id);
  if (raw === undefined) throw new Error(`approval ${id} is missing`);
  const approved = {
    ...JSON.parse(raw),
    status: "approved",
    decidedBy: { principalId: "alex", name: "Alex Rivera" },
    decidedAt: world.clock.now(),
  };
  await world.store.set(`approval:${id}`, JSON.stringify(approved));
}

/** The real store, except that the first audit append after an approval is stored throws (a store blip). */
function failFirstAuditAfterApproval(inner: Store): { store: Store; failures(): number } {
  let armed = false;
  let failures = 0;
  const store = new Proxy(inner, {
    get(target, prop) {
      if (prop === "compareAndSet") {
        return async (...args: Parameters<Store["compareAndSet"]>) => {
          const ok = await target.compareAndSet(...args);
          if (ok && args[2].includes('"status":"approved"')) armed = true;
          return ok;
        };
      }
      if (prop === "append") {
        return async (...args: Parameters<Store["append"]>) => {
          if (armed && failures === 0 && args[0] === AUDIT_KEY) {
            failures += 1;
            throw new DaybookError("store_unavailable", "connection reset while appending");
          }
          return target.append(...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store, failures: () => failures };
}

describe("approval policy keys", () => {
  const build = (
    policies: Record<string, { users: string[]; roles: string[]; allowSelfApproval: boolean; ttlHours: number }>,
  ) =>
    new Approvals({
      store: new MemoryStore(),
      actions: [countingAction("crm_log_activity", [])],
      policies,
      principals,
      clock: fixedClock("2026-11-23T09:00:00Z"),
      logger: silentLogger,
    });
  const policy = { users: [], roles: ["finance"], allowSelfApproval: false, ttlHours: 24 };

  it("refuses to start when a policy key names no write action, naming the key and the known ones", () => {
    expect(() => build({ default: policy, accounting_approve_invoices: policy })).toThrow(
      expect.objectContaining({
        code: "config_invalid",
        message: expect.stringMatching(/"accounting_approve_invoices".*accounting_approve_invoice, /),
      }),
    );
  });

  it("accepts every shared write action name and default, even when only some actions are wired", () => {
    expect(() =>
      build({
        default: policy,
        accounting_approve_invoice: policy,
        jira_create_issue: policy,
        crm_log_activity: policy,
      }),
    ).not.toThrow();
  });
});

approvalSuite("MemoryStore", async (clock) => ({ store: new MemoryStore({ clock }) }));

describe.skipIf(redisSkipReason)("real Redis", () => {
  approvalSuite("Redis", async () => {
    const prefix = `test:approvals:${crypto.randomUUID()}:`;
    return { store: await connectTestRedis(prefix), reopen: () => connectTestRedis(prefix) };
  });
});
