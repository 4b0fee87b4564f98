/**
 * Proposals (issue 16, item 4): "proposal for <company>, 500 users, annual" priced from the org
 * config's price list, through the composed app and the offline agent, on the demo and the
 * second organisation and on more than one date. The expected figures are computed here from
 * the price list in each organisation's config (users x unit price x 12, less the annual
 * discount), never read from the bot's answer; the PDF is read back (header, pages, text) and
 * the Markdown's figures checked.
 */
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { type Card, cardToText } from "../src/core/card.ts";
import type { MessageRef, Responder } from "../src/core/chat.ts";
import type { ChatFile } from "../src/core/files.ts";
import type { ThreadRef } from "../src/core/thread.ts";
import { priceProposal, proposalMarkdown, proposalPdf } from "../tools/crm/proposal.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";
import { blockKitViolations } from "./support/block-kit.ts";
import { readPdf } from "./support/pdf-text.ts";
import { replyFailure, sweepOrgs } from "./support/sweep.ts";
import { threadWorld } from "./support/thread-world.ts";

const orgs = [sweepOrgs[0]!, sweepOrgs[2]!];
const dates = ["2026-12-04T10:00:00Z", "2027-02-28T23:30:00Z"];

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
}

describe("proposal pricing", () => {
  const list = { product: "P", currency: "USD", unitPrice: 8, annualDiscount: 0.2, minUsers: 5, validDays: 30 };
  const input = { company: "Example Ltd", users: 500, term: "annual" as const, today: "2026-12-04" };

  it("prices 500 users at $8 a month on an annual contract at $38,400 (500 x 8 x 12 x 0.8)", () => {
    const p = priceProposal(list, input);
    expect(p).toMatchObject({
      monthlyList: 4_000,
      annualList: 48_000,
      discountPct: 20,
      discount: 9_600,
      total: 38_400,
      effectiveUnitPrice: 6.4,
      validUntil: "2027-01-03",
    });
  });

  it("gives no discount to monthly billing and totals twelve months at list price", () => {
    const p = priceProposal(list, { ...input, users: 80, term: "monthly" });
    expect(p).toMatchObject({ monthlyList: 640, discount: 0, total: 7_680, perMonth: 640 });
  });

  it("keeps cents exact for a fractional price and discount (EUR 12.50, 15 %, 333 users)", () => {
    const p = priceProposal(
      { ...list, currency: "EUR", unitPrice: 12.5, annualDiscount: 0.15 },
      { ...input, users: 333 },
    );
    // 333 x 12.50 = 4,162.50 a month; x 12 = 49,950; 15 % = 7,492.50; total 42,457.50.
    expect(p).toMatchObject({ monthlyList: 4_162.5, annualList: 49_950, discount: 7_492.5, total: 42_457.5 });
  });

  it("refuses fewer users than the price list's minimum", () => {
    expect(() => priceProposal(list, { ...input, users: 4 })).toThrow(/at least 5 users/);
  });

  it("writes a one-page PDF whose text carries every figure, and Markdown with the same figures", async () => {
    const p = priceProposal(list, input);
    const pdf = readPdf(await proposalPdf(p));
    expect(pdf.header).toBe("%PDF-1.3");
    expect(pdf.pages).toBe(1);
    for (const figure of ["$8.00", "$4,000.00", "$48,000.00", "-$9,600.00", "$38,400.00", "$6.40"])
      expect(pdf.text).toContain(figure);
    expect(pdf.text).toContain("Proposal for Example Ltd");
    const md = proposalMarkdown(p);
    expect(md).toMatch(/^# Proposal for Example Ltd: P, 500 users, annual contract$/m);
    expect(md).toContain("| Annual contract discount (20%) | -$9,600.00 |");
    expect(md).toContain("| **Total for the year** | **$38,400.00** |");
    expect(md).toContain("These prices hold until 2027-01-03.");
  });

  it("escapes Markdown in a company's name", () => {
    const md = proposalMarkdown(priceProposal(list, { ...input, company: "A*B [x](y) | C" }));
    expect(md.split("\n")[0]).toBe("# Proposal for A\\*B \\[x\\](y) \\| C: P, 500 users, annual contract");
  });
});

/** The thread's cards and files for one message, through the composed app. */
async function ask(world: Awaited<ReturnType<typeof threadWorld>>, asker: string, text: string, now: number) {
  const thread: ThreadRef = { platform: "console", workspace: "local", channel: "sales", thread: `p${now}` };
  const cards: Card[] = [];
  const files: ChatFile[] = [];
  const responder: Responder = {
    reply: async (card): Promise<MessageRef> => {
      cards.push(card);
      return { thread, messageId: `m${cards.length}` };
    },
    replyFile: async (file): Promise<MessageRef> => {
      files.push(file);
      return { thread, messageId: `f${files.length}` };
    },
  };
  await world.app.bot.handle({ thread, user: { platform: "console", id: asker }, text, receivedAt: now }, responder);
  return { cards, files };
}

for (const o of orgs) {
  const list = o.org.sales?.priceList;
  describe(`proposals on ${o.label}`, () => {
    it("has a price list in the organisation's config", () => {
      expect(list).toBeDefined();
    });
    for (const iso of dates) {
      it(`prices the hot deal's company for 500 users, annual, and posts Markdown and PDF on ${iso}`, async () => {
        if (!list) return;
        const now = Date.parse(iso);
        const world = await threadWorld(o, now);
        try {
          const company = o.profile.deals.hot.company;
          const [deal] = (await world.ports.crm.findDeals(company)).filter((d) => !/^closed/i.test(d.stage));
          const { cards, files } = await ask(world, o.asker, `proposal for ${company}, 500 users, annual`, now);
          const text = cardToText(cards[0]!);
          expect(replyFailure(text)).toBeUndefined();
          const monthly = 500 * list.unitPrice;
          const annual = monthly * 12;
          const discount = annual * list.annualDiscount;
          const total = annual - discount;
          const c = list.currency;
          expect(text).toContain(`Proposal for ${company}: ${list.product}, 500 users, annual contract`);
          expect(text).toContain(`500 users x ${money(list.unitPrice, c)} per user per month = ${money(monthly, c)}`);
          expect(text).toContain(
            `Annual contract discount (${Math.round(list.annualDiscount * 100)}%): -${money(discount, c)}`,
          );
          expect(text).toContain(`Total for the year: ${money(total, c)}`);
          expect(text).toContain(`Deal: ${deal!.name} (${deal!.url}) (${deal!.stage}, ${deal!.ownerName})`);
          expect(files.map((f) => f.mimeType)).toEqual(["text/markdown", "application/pdf"]);
          const slug = company.toLowerCase().replace(/[^a-z0-9]+/g, "-");
          expect(files[0]!.name).toMatch(new RegExp(`^proposal-${slug}-\\d{4}-\\d{2}-\\d{2}\\.md$`));
          const md = new TextDecoder().decode(files[0]!.bytes);
          expect(md).toContain(`| **Total for the year** | **${money(total, c)}** |`);
          expect(md).toContain(`| 12 months at list price | ${money(annual, c)} |`);
          const pdf = readPdf(files[1]!.bytes);
          expect(pdf.header).toBe("%PDF-1.3");
          expect(pdf.pages).toBe(1);
          expect(pdf.text).toContain(money(total, c));
          expect(pdf.text).toContain(`Proposal for ${company}`);
          expect(blockKitViolations(renderCard(cards[0]!))).toEqual([]);
          expectValidAdaptiveCard(renderAdaptiveCard(cards[0]!));
        } finally {
          await world.close();
        }
      });
    }

    it("bills monthly without the discount when asked, for a company not in the CRM, under the name said", async () => {
      if (!list) return;
      const now = Date.parse(dates[0]!);
      const world = await threadWorld(o, now);
      try {
        const users = Math.max(list.minUsers, 80);
        const { cards, files } = await ask(
          world,
          o.asker,
          `generate a proposal for Zeta Widgets for ${users} seats, monthly`,
          now,
        );
        const text = cardToText(cards[0]!);
        const monthly = users * list.unitPrice;
        expect(text).toContain(
          `Billed monthly: ${money(monthly, list.currency)} per month, ${money(monthly * 12, list.currency)} over 12 months (no annual discount)`,
        );
        expect(text).toMatch(/Zeta Widgets is not in the CRM/);
        expect(files).toHaveLength(2);
      } finally {
        await world.close();
      }
    });

    it("asks how many users when the sentence gives none, and makes no file", async () => {
      const now = Date.parse(dates[0]!);
      const world = await threadWorld(o, now);
      try {
        const company = o.profile.deals.hot.company;
        const { cards, files } = await ask(world, o.asker, `write a proposal for ${company}`, now);
        expect(cardToText(cards[0]!)).toContain(`How many users should the proposal for ${company} price?`);
        expect(files).toEqual([]);
      } finally {
        await world.close();
      }
    });
  });
}
