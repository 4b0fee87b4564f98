import {
  CLOSE_APPROVE_INVOICE_ACTION_ID,
  CLOSE_REJECT_INVOICE_ACTION_ID,
  DRAFT_FOLLOWUP_ACTION_ID,
  LOG_OUTREACH_ACTION_ID,
} from "../../src/core/action-ids.ts";
import type { ApprovalService } from "../../src/core/approval.ts";
import type { ButtonClick, ClickResult, MessageHandler, Responder } from "../../src/core/chat.ts";
import type { Clock } from "../../src/core/clock.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import type { PrincipalResolver } from "../../src/core/principal.ts";
import type { ThreadRef } from "../../src/core/thread.ts";
import { scoreCustomers } from "../../tools/crm/churn-score.ts";

export type DigestButtonHandler = (click: ButtonClick, responder: Responder) => Promise<ClickResult>;

export interface DigestButtonDeps {
  approvals: ApprovalService;
  principals: PrincipalResolver;
  ports: Ports;
  /** The bot core, for "Draft follow-up": the agent drafts in the digest's thread. */
  handle: MessageHandler;
  clock: Clock;
}

/** A digest is posted at a channel's top level; its buttons answer in that message's thread. */
function threadOf(click: ButtonClick): ThreadRef {
  if (click.thread.thread !== "" || !click.message) return click.thread;
  return { ...click.thread, thread: click.message.messageId };
}

/**
 * Digest buttons (ARCHITECTURE.md decision 1: digests create approvals the same way as the
 * agent, without it). Each click proposes a write as an approval card in the digest's thread;
 * nothing is written until an allowed person approves.
 */
export function createDigestButtonHandlers(deps: DigestButtonDeps): Record<string, DigestButtonHandler> {
  const request = async (
    click: ButtonClick,
    responder: Responder,
    tool: string,
    args: Record<string, unknown>,
    title: string,
  ): Promise<ClickResult> => {
    await deps.approvals.requestApproval(
      { tool, args, requester: deps.principals.resolve(click.user), thread: threadOf(click), title },
      (card) => responder.reply(card),
    );
    return { kind: "none" };
  };

  return {
    [LOG_OUTREACH_ACTION_ID]: async (click, responder) => {
      const customer = await deps.ports.crm.getCustomer(click.value);
      const [risk] = scoreCustomers([customer], deps.clock.now());
      const signals = risk?.signals.map((s) => s.detail).join("; ") ?? "";
      const body =
        `Churn-risk outreach to ${customer.name}${signals ? ` (signals: ${signals})` : ""}. ${risk?.suggestedAction ?? ""}`.trim();
      return request(
        click,
        responder,
        "crm_log_activity",
        { target: { kind: "company", id: customer.id }, type: "call", body },
        `Log outreach call on ${customer.name}`,
      );
    },
    [CLOSE_APPROVE_INVOICE_ACTION_ID]: async (click, responder) => {
      const invoice = await deps.ports.accounting.getInvoice(click.value);
      return request(
        click,
        responder,
        "accounting_approve_invoice",
        { invoiceId: invoice.id },
        `Approve bill #${invoice.number} from ${invoice.contact.name}`,
      );
    },
    [CLOSE_REJECT_INVOICE_ACTION_ID]: async (click, responder) => {
      const invoice = await deps.ports.accounting.getInvoice(click.value);
      return request(
        click,
        responder,
        "accounting_reject_invoice",
        { invoiceId: invoice.id, reason: "Flagged in the month-end close review; please resubmit with documentation." },
        `Reject bill #${invoice.number} from ${invoice.contact.name}`,
      );
    },
    [DRAFT_FOLLOWUP_ACTION_ID]: async (click, responder) => {
      const deal = await deps.ports.crm.getDeal(click.value);
      // The agent drafts; logging the draft in the CRM is an approval like any other write.
      await deps.handle(
        {
          thread: threadOf(click),
          user: click.user,
          text: `Draft a follow-up email for the ${deal.name} deal (deal ${deal.id}) and log it as a note on the deal.`,
          receivedAt: deps.clock.now(),
        },
        responder,
      );
      return { kind: "none" };
    },
  };
}
