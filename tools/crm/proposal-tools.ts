/**
 * "proposal for <company>, 500 users, annual" (issue 16, item 4): the proposal priced from the
 * org config's price list (proposal.ts), posted in the thread as Markdown and PDF files. The
 * company is looked up in the CRM so the documents name it as the CRM does and link its open
 * deal; a company the CRM does not know yet still gets a proposal, under the name said.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { z } from "zod";
import type { CrmPort, Deal } from "../../src/core/domain/crm.ts";
import { localToday } from "../../src/core/period.ts";
import { runTool } from "../shared/compact.ts";
import type { FileDrop } from "../shared/file-drop.ts";
import { type PriceList, priceProposal, pricingLines, proposalFiles, proposalTitle } from "./proposal.ts";
import type { CrmToolContext } from "./tools.ts";

export const proposalSchema = z.object({
  company: z.string().min(1).describe("The company the proposal is for, as the person named it"),
  users: z.number().int().positive().describe("How many users (seats) the proposal prices"),
  term: z
    .enum(["annual", "monthly"])
    .default("annual")
    .describe("annual: a yearly contract with the price list's annual discount; monthly: billed monthly, no discount"),
});

/** The open deal of the company named (exact company name first, then the first whose name contains it). */
function dealOf(deals: readonly Deal[], company: string): Deal | undefined {
  const open = deals.filter((d) => !/^closed/i.test(d.stage));
  const lc = company.toLowerCase();
  return open.find((d) => d.company.name.toLowerCase() === lc) ?? open[0];
}

export function crmProposalTools(
  crm: CrmPort,
  ctx: CrmToolContext & { files: FileDrop; timeZone?: string; priceList?: PriceList },
): StructuredToolInterface[] {
  const proposal = tool(
    (args: z.input<typeof proposalSchema>) =>
      runTool(async () => {
        const list = ctx.priceList;
        if (!list)
          return {
            error:
              "There is no price list in the organisation's config (sales.priceList in daybook.yaml), so I can't price a proposal.",
            code: "not_configured",
          };
        if (args.users < list.minUsers)
          return {
            error: `A ${list.product} proposal is for at least ${list.minUsers} users; ${args.users} is fewer.`,
            code: "bad_request",
          };
        const term = args.term ?? "annual";
        const deal = dealOf(await crm.findDeals(args.company), args.company);
        const customer = deal ? undefined : (await crm.findCustomers(args.company))[0];
        const company = deal?.company.name ?? customer?.name ?? args.company.trim();
        const p = priceProposal(list, {
          company,
          users: args.users,
          term,
          today: localToday(ctx.clock.now(), ctx.timeZone ?? "UTC"),
          ...(deal
            ? {
                deal: {
                  name: deal.name,
                  stage: deal.stage,
                  url: deal.url,
                  ...(deal.ownerName ? { owner: deal.ownerName } : {}),
                },
              }
            : {}),
        });
        const files = await proposalFiles(p);
        const shelved = [];
        for (const f of files) shelved.push({ id: await ctx.files.put(f), name: f.name });
        return {
          proposal: proposalTitle(p),
          company: p.company,
          inCrm: deal !== undefined || customer !== undefined,
          product: p.product,
          users: p.users,
          term: p.term,
          currency: p.currency,
          unitPrice: p.unitPrice,
          monthlyList: p.monthlyList,
          annualList: p.annualList,
          discountPct: p.discountPct,
          discount: p.discount,
          total: p.total,
          effectiveUnitPrice: p.effectiveUnitPrice,
          validUntil: p.validUntil,
          pricing: pricingLines(p),
          ...(p.deal ? { deal: p.deal } : {}),
          files: shelved,
        };
      }),
    {
      name: "crm_proposal",
      description:
        "Writes a priced proposal for a company (users x the price list's unit price per user per month x 12, less the annual discount for an annual contract) and posts it in the thread as Markdown and PDF files. " +
        'Examples: "proposal for <company>, 500 users, annual", "generate a proposal for <company> for 80 seats, monthly", "quote <company> 200 users".',
      schema: proposalSchema,
    },
  );
  return [proposal];
}
