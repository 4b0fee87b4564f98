/**
 * Churn scoring on the demo organisation's signals, and sales priorities posted per account
 * executive through the real scheduler: one receipted card per owner, each with only that
 * owner's deals. Expected figures come from plain loops over the same port data.
 */
import { describe, expect, it } from "vitest";
import { demoOrg } from "../../src/config/demo-org.ts";
import { type Card, cardButtons, cardToText } from "../../src/core/card.ts";
import type { ChatAdapter, DeliveryReceipt } from "../../src/core/chat.ts";
import { fixedClock } from "../../src/core/clock.ts";
import type { Customer, Deal } from "../../src/core/domain/crm.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import { silentLogger } from "../../src/core/logger.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { runDigestCommand } from "../../src/scheduler/digest-command.ts";
import { createScheduler } from "../../src/scheduler/scheduler.ts";
import { MemoryStore } from "../../src/store/memory-store.ts";
import { scoreCustomers } from "../../tools/crm/churn-score.ts";
import { createDemoPorts } from "../../tools/demo/demo-ports.ts";
import { money as moneyIn } from "./format.ts";
import { createDigests } from "./registry.ts";

/** The demo organisation keeps its CRM and its books in US dollars. */
const money = (amount: number) => moneyIn(amount, "USD");

const DAY = 86_400_000;
const clock = fixedClock("2026-11-23T09:00:00Z");
const slot = clock.now();

function world(scale = 1) {
  const ports = createDemoPorts({ clock, scale });
  const store = new MemoryStore({ clock });
  return { ports, store, digests: createDigests({ ports, clock, store }) };
}

function list(card: Card, title: string) {
  const block = card.blocks.find((b) => b.type === "list" && b.title?.includes(title));
  return block?.type === "list" ? block.items : [];
}

function firstText(card: Card): string {
  const block = card.blocks.find((b) => b.type === "text");
  return block?.type === "text" ? block.text : "";
}

describe("churn risk on the demo organisation", () => {
  /**
   * The point table of docs/digests.md written out as plain loops: each signal as
   * [points, detail], in the order the scorer lists equal-point signals.
   */
  function naiveSignals(c: Customer, now: number): [number, string][] {
    const out: [number, string][] = [];
    const drop = -c.usageChange;
    const usage = drop >= 0.5 ? 50 : drop >= 0.3 ? 30 : drop >= 0.15 ? 15 : 0;
    out.push([usage, `usage down ${Math.round(drop * 100)}% over ${c.usageWindowDays} days`]);
    const days = c.adminLastLoginAt ? Math.floor((now - Date.parse(c.adminLastLoginAt)) / DAY) : undefined;
    const admin = days === undefined || days >= 30 ? 20 : days >= 14 ? 15 : days >= 7 ? 10 : 0;
    out.push([admin, days === undefined ? "no admin login on record" : `admin silent ${days} days`]);
    const open: string[] = [];
    for (const t of c.tickets) if (t.status === "open") open.push(t.subject);
    const tickets = open.length >= 3 ? 15 : open.length >= 1 ? 5 : 0;
    const quoted = open.map((x) => `"${x}"`);
    const more = open.length > 2 ? ` and ${open.length - 2} more` : "";
    out.push([
      tickets,
      open.length === 1
        ? `open ticket ${quoted[0]}`
        : `${open.length} open tickets: ${quoted.slice(0, 2).join(", ")}${more}`,
    ]);
    const failedDays = c.lastFailedPaymentAt ? Math.floor((now - Date.parse(c.lastFailedPaymentAt)) / DAY) : undefined;
    out.push([
      failedDays !== undefined && failedDays <= 30 ? 25 : 0,
      `payment failed ${failedDays} day${failedDays === 1 ? "" : "s"} ago`,
    ]);
    const unused = c.unusedPaidFeatures.length;
    out.push([
      unused >= 3 ? 25 : unused * 5,
      `${unused} paid feature${unused === 1 ? "" : "s"} unused (${c.unusedPaidFeatures.join(", ")})`,
    ]);
    const kept = out.filter(([p]) => p > 0);
    // Insertion sort by points, highest first, keeping the order of equal points.
    for (let i = 1; i < kept.length; i++)
      for (let j = i; j > 0 && (kept[j]?.[0] ?? 0) > (kept[j - 1]?.[0] ?? 0); j--)
        [kept[j - 1], kept[j]] = [kept[j] as [number, string], kept[j - 1] as [number, string]];
    return kept;
  }

  function naiveScore(c: Customer, now: number): number {
    let score = 0;
    for (const [p] of naiveSignals(c, now)) score += p;
    return Math.min(100, score);
  }

  it("names BrightTech's week-silent admin and its 'Too complicated' ticket", async () => {
    const { ports } = world();
    const [bright] = scoreCustomers(await ports.crm.findCustomers("BrightTech"), clock.now());
    expect(bright?.level).toBe("high");
    expect(bright?.signals.map((x) => x.detail)).toEqual([
      "usage down 65% over 14 days",
      "admin silent 7 days",
      'open ticket "Too complicated"',
    ]);
  });

  it("puts QuickStart, paying for three features it does not use, in medium with an onboarding offer", async () => {
    const { ports, digests } = world();
    const [quick] = scoreCustomers(await ports.crm.findCustomers("QuickStart"), clock.now());
    expect(quick).toMatchObject({ level: "medium", score: 25 });
    expect(quick?.signals).toEqual([
      { kind: "unused_features", detail: "3 paid features unused (SSO, Advanced analytics, API access)", points: 25 },
    ]);
    const item = list(await digests.churn.run(), "Medium risk").find((i) => i.title.includes("QuickStart"));
    expect(item?.text).toBe(
      "3 paid features unused (SSO, Advanced analytics, API access). Offer QuickStart LLC onboarding for the features they pay for.",
    );
  });

  it("keeps DataFlow high on its usage drop and failed payment, asking for a new payment method", async () => {
    const { ports } = world();
    const [data] = scoreCustomers(await ports.crm.findCustomers("DataFlow"), clock.now());
    expect(data?.level).toBe("high");
    expect(data?.signals.map((x) => x.kind)).toEqual(["usage_drop", "failed_payment"]);
    expect(data?.suggestedAction).toContain("update the payment method");
  });

  it.each([1, 100])("keeps every other customer low at scale %i", async (scale) => {
    const { ports } = world(scale);
    const customers = await ports.crm.listCustomers();
    expect(customers).toHaveLength(200 * scale);
    const risks = scoreCustomers(customers, clock.now());
    const flagged = risks.filter((r) => r.level !== "low").map((r) => `${r.level} ${r.customer.name}`);
    expect(flagged).toEqual(["high BrightTech Inc", "high DataFlow Corp", "medium QuickStart LLC"]);
  });

  it("prints every figure of the churn card as an independent scoring computes it", async () => {
    const { ports, digests } = world();
    const now = clock.now();
    const customers = await ports.crm.listCustomers();
    const high: Customer[] = [];
    const medium: Customer[] = [];
    for (const c of customers) {
      const score = naiveScore(c, now);
      if (score >= 50) high.push(c);
      else if (score >= 25) medium.push(c);
    }
    const order = (a: Customer, b: Customer) => naiveScore(b, now) - naiveScore(a, now) || b.arr - a.arr;
    high.sort(order);
    medium.sort(order);
    let highArr = 0;
    for (const c of high) highArr += c.arr;

    const card = await digests.churn.run();
    expect(firstText(card)).toBe(
      `${high.length} high-risk customer${high.length === 1 ? "" : "s"} (${money(highArr)} ARR), ${medium.length} medium. Signals and a suggested action below.`.replace(
        /^(\d+ high-risk customers?)/,
        "**$1**",
      ),
    );
    for (const [title, group] of [
      ["High risk", high],
      ["Medium risk", medium],
    ] as const) {
      const items = list(card, title);
      expect(items.map((i) => i.meta)).toEqual(
        group.map((c) => `score ${naiveScore(c, now)}, ${money(c.arr)} ARR, ${c.ownerName}`),
      );
      expect(items.map((i) => (i.text ?? "").split(". ")[0])).toEqual(
        group.map((c) =>
          naiveSignals(c, now)
            .map(([, d]) => d)
            .join("; "),
        ),
      );
    }
    expect(cardToText(card)).toContain("high >= 50, medium >= 25");
  });
});

/** The console channel, recording posts; fails the posts whose card header matches `failFor`. */
class RecordingAdapter implements ChatAdapter {
  readonly platform = "console" as const;
  readonly posts: Card[] = [];
  attempts: string[] = [];
  failFor?: { header: string; times: number };
  #seq = 0;
  async post(thread: ThreadRef, card: Card): Promise<DeliveryReceipt> {
    this.attempts.push(card.header ?? "");
    if (this.failFor && card.header === this.failFor.header && this.failFor.times-- > 0) {
      throw new Error("rate limited: token=xoxb-secret");
    }
    this.posts.push(card);
    return { platform: "console", thread, messageId: `m${++this.#seq}`, postedAt: clock.now() };
  }
  async update(): Promise<void> {}
  async notify(): Promise<void> {}
}

function salesScheduler() {
  const { ports, store, digests } = world();
  const adapter = new RecordingAdapter();
  const scheduler = createScheduler({
    org: demoOrg,
    digests,
    adapters: { console: adapter },
    store,
    clock,
    logger: silentLogger,
    retry: { attempts: 3, baseDelayMs: 1 },
    sleep: async () => {},
  });
  return { ports, adapter, scheduler };
}

async function dealsByOwner(ports: Ports): Promise<Map<string, Deal[]>> {
  const out = new Map<string, Deal[]>();
  for (const d of await ports.crm.listOpenDeals()) {
    const list = out.get(d.ownerId) ?? [];
    list.push(d);
    out.set(d.ownerId, list);
  }
  return out;
}

describe("sales priorities per account executive", () => {
  it("posts one receipted card per account executive, each with only that owner's deals", async () => {
    const { ports, adapter, scheduler } = salesScheduler();
    const owners = await dealsByOwner(ports);
    expect([...owners.keys()].sort()).toEqual(["owner-alex", "owner-sam"]);

    const run = await scheduler.fire("sales", slot);

    expect(run.status).toBe("delivered");
    expect(adapter.posts.map((c) => c.header)).toEqual([
      "Sales priorities: Alex Rivera",
      "Sales priorities: Sam Patel",
    ]);
    expect(
      run.deliveries.map((d) => [d.audience, d.audienceLabel, d.channel, d.attempts, d.receipt?.messageId]),
    ).toEqual([
      ["owner-alex", "Alex Rivera", "sales", 1, "m1"],
      ["owner-sam", "Sam Patel", "sales", 1, "m2"],
    ]);
    for (const [card, owner] of [
      [adapter.posts[0], "owner-alex"],
      [adapter.posts[1], "owner-sam"],
    ] as const) {
      const own = owners.get(owner) ?? [];
      let weighted = 0;
      for (const d of own) weighted += d.amount * d.probability;
      expect(firstText(card as Card)).toContain(`out of ${own.length} open, ${money(weighted)} weighted pipeline`);
      const shown = cardButtons(card as Card).map((b) => b.value);
      expect(shown.length).toBeGreaterThan(0);
      for (const id of shown) expect(own.map((d) => d.id)).toContain(id);
    }
    const alexTop = list(adapter.posts[0] as Card, "Top priorities")[0];
    expect(alexTop?.title).toContain("Acme Corp");
    expect(alexTop?.meta).toBe("$250,000 × 85% = $212,500, replied");
    expect((await scheduler.runLog("sales"))[0]?.deliveries.map((d) => d.receipt?.messageId)).toEqual(["m1", "m2"]);
  });

  it("retries one account executive's failed post without posting the other's card twice", async () => {
    const { adapter, scheduler } = salesScheduler();
    adapter.failFor = { header: "Sales priorities: Sam Patel", times: 2 };

    const run = await scheduler.fire("sales", slot);

    expect(run.status).toBe("delivered");
    expect(adapter.attempts).toEqual([
      "Sales priorities: Alex Rivera",
      "Sales priorities: Sam Patel",
      "Sales priorities: Sam Patel",
      "Sales priorities: Sam Patel",
    ]);
    expect(adapter.posts.map((c) => c.header)).toEqual([
      "Sales priorities: Alex Rivera",
      "Sales priorities: Sam Patel",
    ]);
    expect(run.deliveries.map((d) => [d.audience, d.attempts, Boolean(d.receipt)])).toEqual([
      ["owner-alex", 1, true],
      ["owner-sam", 3, true],
    ]);
  });

  it("records a post that failed every attempt for one account executive, keeps the other's receipt, and never re-fires the slot", async () => {
    const { adapter, scheduler } = salesScheduler();
    adapter.failFor = { header: "Sales priorities: Sam Patel", times: 99 };

    const run = await scheduler.fire("sales", slot);
    const again = await scheduler.fire("sales", slot);

    expect(run.status).toBe("partial");
    const [alex, sam] = run.deliveries;
    expect(alex).toMatchObject({ audience: "owner-alex", attempts: 1, receipt: { messageId: "m1" } });
    expect(sam).toMatchObject({ audience: "owner-sam", attempts: 3, error: { code: "internal" } });
    expect(sam?.receipt).toBeUndefined();
    expect(again).toMatchObject({ status: "skipped", skipped: "slot_taken" });
    expect(adapter.posts.map((c) => c.header)).toEqual(["Sales priorities: Alex Rivera"]);
    for (const card of adapter.posts) expect(cardToText(card)).not.toMatch(/rate limited|xoxb/);
    expect((await scheduler.runLog("sales"))[0]).toMatchObject({ id: run.id, status: "partial" });
  });

  it("prints every account executive's card, or one with --owner", async () => {
    const { adapter, scheduler } = salesScheduler();
    const all: string[] = [];
    expect(await runDigestCommand({ argv: ["sales"], scheduler, output: { write: (t) => all.push(t) } })).toBe(0);
    const text = all.join("");
    expect(text.indexOf("Sales priorities: Alex Rivera")).toBe(0);
    expect(text).toContain("\n\nSales priorities: Sam Patel\n");

    const one: string[] = [];
    await runDigestCommand({
      argv: ["sales", "--owner", "owner-sam"],
      scheduler,
      output: { write: (t) => one.push(t) },
    });
    expect(one.join("")).toMatch(/^Sales priorities: Sam Patel\n/);
    expect(one.join("")).not.toContain("Alex Rivera");
    expect(adapter.posts).toHaveLength(0);
  });

  it("posts with --post and prints one receipt line per account executive", async () => {
    const { scheduler } = salesScheduler();
    const out: string[] = [];
    const code = await runDigestCommand({
      argv: ["sales", "--post"],
      scheduler,
      output: { write: (t) => out.push(t) },
    });
    expect(code).toBe(0);
    expect(out.join("")).toBe(
      "Alex Rivera: posted to sales (console sales), message m1\nSam Patel: posted to sales (console sales), message m2\n",
    );
  });
});
