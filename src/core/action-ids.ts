/**
 * Button action ids every adapter routes on (vercel/chat style: exported constants, not
 * strings scattered through renderers). Values carry the approval id or the entity id.
 */
export const APPROVE_ACTION_ID = "daybook.approval.approve";
export const REJECT_ACTION_ID = "daybook.approval.reject";
/** A change set's result card: run again only the steps that failed (value = approval id). */
export const RETRY_STEPS_ACTION_ID = "daybook.approval.retry_steps";
/** Sales digest: ask the agent to draft a follow-up for a deal (value = deal id). */
export const DRAFT_FOLLOWUP_ACTION_ID = "daybook.sales.draft_followup";
/** Churn digest: propose logging the outreach on a customer (value = customer id). */
export const LOG_OUTREACH_ACTION_ID = "daybook.churn.log_outreach";
/** Close digest: propose approving / rejecting a flagged invoice (value = invoice id). */
export const CLOSE_APPROVE_INVOICE_ACTION_ID = "daybook.close.approve_invoice";
export const CLOSE_REJECT_INVOICE_ACTION_ID = "daybook.close.reject_invoice";

export const daybookActionIds = [
  APPROVE_ACTION_ID,
  REJECT_ACTION_ID,
  RETRY_STEPS_ACTION_ID,
  DRAFT_FOLLOWUP_ACTION_ID,
  LOG_OUTREACH_ACTION_ID,
  CLOSE_APPROVE_INVOICE_ACTION_ID,
  CLOSE_REJECT_INVOICE_ACTION_ID,
] as const;

export function isDaybookActionId(value: string): boolean {
  return (daybookActionIds as readonly string[]).includes(value);
}
