/**
 * One sentence, one change set (issue 16, item 3): "log a call with <customer>: scheduled
 * training Thursday 2pm, upsold the onboarding package for $2K" becomes ONE approval card
 * listing every write: the call note credited to the person who asked, a follow-up task at
 * that time in their timezone, a new deal in the pipeline stage the words mean, and the
 * health score when the CRM keeps one. `prepare` resolves the words (customer -> company id,
 * "Thursday 2pm" -> an instant, the stage, the score) before the card, so the card shows
 * exactly what runs; each write is a step the approvals service runs once (src/approvals/steps.ts).
 */
import { z } from "zod";
import type { WriteAction, WriteStep } from "../../src/core/actions.ts";
import type { CardField } from "../../src/core/card.ts";
import type { CrmPort, Customer } from "../../src/core/domain/crm.ts";
import { DaybookError } from "../../src/core/errors.ts";
import { formatWhen, parseWhen } from "../../src/core/local-time.ts";
import { formatMoney } from "../shared/compact.ts";
import { scoreCustomer } from "./churn-score.ts";
import type { CrmToolContext } from "./tools.ts";

const text = (max: number) => z.string().trim().min(2).max(max);

export const changeSetSchema = z.object({
  customer: text(120).describe("The customer the call was with, as the requester named it"),
  callNote: text(2000).describe("The call note: what was said and agreed, in the requester's words"),
  followUp: z
    .object({
      subject: text(200).describe("What the follow-up is, e.g. 'Training session'"),
      when: text(80).describe("When, in the requester's words, e.g. 'Thursday 2pm'"),
      dueAt: z.iso.datetime({ offset: true }).optional().describe("Set by daybook from `when`; leave it out"),
      timeZone: z.string().trim().min(1).max(64).optional().describe("Set by daybook; leave it out"),
    })
    .optional()
    .describe("A scheduled next step the call agreed (training, demo, check-in)"),
  deal: z
    .object({
      name: text(200).describe("What was sold or proposed, e.g. 'Onboarding package'"),
      amount: z.number().positive().max(1e9).describe("Deal amount, e.g. 2000 for $2K"),
      agreed: z.boolean().default(true).describe("true when the customer agreed (upsold, signed, bought)"),
      currency: z.string().trim().length(3).optional().describe("Set by daybook; leave it out"),
      stage: z.string().trim().min(2).max(60).optional().describe("Set by daybook; leave it out"),
    })
    .optional()
    .describe("A new deal the call produced (an upsell, an add-on)"),
  companyId: z.string().trim().min(1).max(40).optional().describe("Set by daybook; leave it out"),
  healthScore: z.number().int().min(0).max(100).optional().describe("Set by daybook; leave it out"),
  onBehalfOf: z
    .object({
      name: z.string().trim().min(1).max(120),
      crmOwnerId: z.string().trim().min(1).max(80).optional(),
      timeZone: z.string().trim().min(1).max(64).optional(),
    })
    .optional()
    .describe("Set by daybook to the person who asked; leave it out"),
});
export type ChangeSetArgs = z.infer<typeof changeSetSchema>;

export interface ChangeSetContext extends CrmToolContext {
  /** The organisation's zone, for a requester without one of their own. */
  timeZone: string;
}

/** The pipeline stage a new deal starts in: won when the customer agreed, else where proposals sit. */
export function stageFor(agreed: boolean, stages: readonly string[]): string | undefined {
  const won = stages.find((s) => /\bwon\b/i.test(s));
  if (agreed && won) return won;
  return stages.find((s) => /proposal/i.test(s)) ?? stages.find((s) => !/^closed/i.test(s));
}

function pickCustomer(found: readonly Customer[], words: string): Customer | { reply: string } {
  const lower = words.trim().toLowerCase();
  const exact = found.filter((c) => c.name.toLowerCase() === lower);
  if (exact.length === 1 && exact[0]) return exact[0];
  if (found.length === 1 && found[0]) return found[0];
  if (found.length === 0)
    return { reply: `I could not find a customer called "${words.trim().slice(0, 80)}" in the CRM.` };
  return {
    reply: `Several customers match "${words.trim().slice(0, 80)}": ${found
      .slice(0, 5)
      .map((c) => c.name)
      .join(", ")}. Which one was the call with?`,
  };
}

export function crmChangeSetAction(crm: CrmPort, ctx: ChangeSetContext): WriteAction<typeof changeSetSchema> {
  const author = (args: ChangeSetArgs) =>
    args.onBehalfOf
      ? {
          name: args.onBehalfOf.name,
          ...(args.onBehalfOf.crmOwnerId ? { crmOwnerId: args.onBehalfOf.crmOwnerId } : {}),
        }
      : undefined;
  const zoneOf = (args: ChangeSetArgs) => args.followUp?.timeZone ?? args.onBehalfOf?.timeZone ?? ctx.timeZone;
  const dueLine = (args: ChangeSetArgs) => {
    const f = args.followUp;
    if (!f?.dueAt) return f ? `${f.subject} (${f.when})` : "";
    const zone = zoneOf(args);
    return `${f.subject}, ${formatWhen(Date.parse(f.dueAt), zone)} (${zone}; ${f.dueAt})`;
  };
  const dealLine = (args: ChangeSetArgs) =>
    args.deal
      ? `${args.customer} - ${args.deal.name}, ${formatMoney(args.deal.amount, args.deal.currency ?? "USD")}${args.deal.currency ? ` (${args.deal.currency})` : ""}, stage ${args.deal.stage ?? "?"}`
      : "";
  const need = (args: ChangeSetArgs): string => {
    if (!args.companyId) {
      throw new DaybookError("bad_request", "change set without a company id", {
        userMessage: "The change set names no CRM company, so nothing was written.",
      });
    }
    return args.companyId;
  };

  return {
    name: "crm_log_call_changes",
    domain: "crm",
    description:
      "Log a customer call together with everything it produced, behind ONE approval: the call note, a follow-up " +
      "task at the time said, a new deal for what was sold, and the health score. Use it when a call note also " +
      "schedules something or sells something. " +
      'Examples: "log a call with <customer>: scheduled training Thursday 2pm, upsold the onboarding package for $2K".',
    schema: changeSetSchema,
    requiresApproval: true,
    actsForRequester: true,
    async prepare(args) {
      const found = pickCustomer(await crm.findCustomers(args.customer), args.customer);
      if ("reply" in found) return { ok: false, reply: found.reply };
      const out: ChangeSetArgs = { ...args, customer: found.name, companyId: found.id };
      ctx.labels.remember("company", found.id, found.name);
      if (args.followUp) {
        const zone = zoneOf(args);
        const when = parseWhen(args.followUp.when, ctx.clock.now(), zone);
        if (!when) {
          return {
            ok: false,
            reply: `I could not tell when "${args.followUp.when}" is; say it like "Thursday 2pm" or "on 10 Dec at 14:00" (times are in ${zone}).`,
          };
        }
        out.followUp = { ...args.followUp, dueAt: new Date(when.at).toISOString(), timeZone: zone };
      }
      if (args.deal) {
        const stages = await crm.dealStages();
        const stage = stageFor(args.deal.agreed, stages);
        if (!stage) return { ok: false, reply: "The CRM's sales pipeline has no stages I can put a new deal in." };
        out.deal = { ...args.deal, currency: found.currency, stage };
      }
      if (crm.setHealthScore) {
        // The score daybook computes from the account's signals (100 minus the churn score).
        const detail = await crm.getCustomer(found.id);
        out.healthScore = 100 - scoreCustomer(detail, ctx.clock.now()).score;
      }
      return { ok: true, args: out };
    },
    title: (args) => {
      const parts = ["call note", args.followUp ? "follow-up task" : "", args.deal ? "new deal" : ""].filter(Boolean);
      if (args.healthScore !== undefined) parts.push("health score");
      return `Log a call with ${args.customer} and its changes (${parts.join(", ")})`;
    },
    describe: (args) => {
      const fields: CardField[] = [
        { label: "Company", value: args.companyId ? `${args.customer} (company ${args.companyId})` : args.customer },
        { label: "1. Call note", value: args.callNote },
      ];
      if (args.onBehalfOf) {
        const owner = args.onBehalfOf.crmOwnerId ? ` (CRM owner ${args.onBehalfOf.crmOwnerId})` : "";
        fields.push({ label: "Author", value: `${args.onBehalfOf.name}${owner}` });
      }
      let n = 2;
      if (args.followUp) fields.push({ label: `${n++}. Follow-up task`, value: dueLine(args) });
      if (args.deal) fields.push({ label: `${n++}. New deal`, value: dealLine(args) });
      if (args.healthScore !== undefined) {
        fields.push({
          label: `${n++}. Health score`,
          value: `${crm.healthScoreProperty ?? "health score"} = ${args.healthScore}/100`,
        });
      }
      return fields;
    },
    async execute() {
      // Never called: the approvals service runs `steps` for a change set.
      return { ok: false, summary: "A change set runs step by step; nothing was changed." };
    },
    steps(args) {
      const steps: WriteStep[] = [
        {
          title: `call note on ${args.customer}`,
          run: async ({ idempotencyKey }) => {
            const companyId = need(args);
            const by = author(args);
            const logged = await crm.logActivity(
              {
                target: { kind: "company", id: companyId },
                type: "call",
                body: args.callNote,
                ...(by ? { author: by } : {}),
              },
              { idempotencyKey },
            );
            return { ok: true, summary: `logged the call${by ? ` as ${by.name}` : ""}`, ref: { id: logged.id } };
          },
        },
      ];
      const followUp = args.followUp;
      if (followUp) {
        steps.push({
          title: `follow-up task ${dueLine(args)}`,
          run: async ({ idempotencyKey }) => {
            if (!followUp.dueAt) throw new DaybookError("bad_request", "follow-up without a due time");
            const by = author(args);
            const task = await crm.createTask(
              {
                companyId: need(args),
                subject: followUp.subject,
                dueAt: followUp.dueAt,
                body: `${followUp.subject} (${followUp.when}), agreed on the call with ${args.customer}`,
                ...(by ? { owner: by } : {}),
              },
              { idempotencyKey },
            );
            return { ok: true, summary: `created task ${task.id}`, ref: { id: task.id } };
          },
        });
      }
      const deal = args.deal;
      if (deal) {
        steps.push({
          title: `new deal ${dealLine(args)}`,
          run: async ({ idempotencyKey }) => {
            if (!deal.stage || !deal.currency) throw new DaybookError("bad_request", "deal without a stage");
            const by = author(args);
            const created = await crm.createDeal(
              {
                companyId: need(args),
                name: `${args.customer} - ${deal.name}`,
                amount: deal.amount,
                currency: deal.currency,
                stage: deal.stage,
                ...(by ? { owner: by } : {}),
              },
              { idempotencyKey },
            );
            return {
              ok: true,
              summary: `created deal ${created.id}`,
              ref: { id: created.id, ...(created.url ? { url: created.url } : {}) },
            };
          },
        });
      }
      const score = args.healthScore;
      if (score !== undefined && crm.setHealthScore) {
        const set = crm.setHealthScore.bind(crm);
        steps.push({
          title: `health score ${score}/100`,
          run: async ({ idempotencyKey }) => {
            await set(need(args), score, { idempotencyKey });
            return { ok: true, summary: `set ${crm.healthScoreProperty ?? "the health score"} to ${score}` };
          },
        });
      }
      return steps;
    },
  };
}
