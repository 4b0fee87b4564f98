import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../core/action-ids.ts";
import type { Approval } from "../core/approval.ts";
import type { Card, CardBlock, CardField } from "../core/card.ts";

export { APPROVE_ACTION_ID, REJECT_ACTION_ID };

/** "2026-11-23 09:00 UTC": one zone for everyone in a shared channel, no locale surprises. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** "crm_log_activity" -> "Crm log activity", when no action title is known. */
export function humanizeTool(tool: string): string {
  const words = tool.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The card posted when a write waits for a person: what will happen, the exact arguments,
 * who asked, when it expires, and Approve / Reject buttons carrying the approval id.
 */
export function approvalCard(approval: Approval, fields: CardField[], title: string): Card {
  const blocks: CardBlock[] = [{ type: "text", text: `**${title}**` }];
  if (fields.length > 0) blocks.push({ type: "fields", fields });
  blocks.push({
    type: "fields",
    fields: [
      { label: "Requested by", value: approval.requester.name },
      { label: "Expires", value: formatTime(approval.expiresAt) },
    ],
  });
  blocks.push({
    type: "actions",
    buttons: [
      {
        actionId: APPROVE_ACTION_ID,
        label: "Approve",
        value: approval.id,
        style: "primary",
        confirm: {
          title: "Approve this change?",
          text: `${title}. daybook will run it once, right away.`,
          confirm: "Approve",
          deny: "Cancel",
        },
      },
      { actionId: REJECT_ACTION_ID, label: "Reject", value: approval.id, style: "danger" },
    ],
  });
  blocks.push({
    type: "context",
    text: `Approval \`${approval.id}\` · or reply \`approve ${approval.id}\` / \`reject ${approval.id} [reason]\``,
  });
  return { header: "Approval needed", blocks, fallbackText: `Approval needed: ${title}` };
}

/** The one line that says how an approval ended ("Approved by X at T"). */
export function decisionLine(approval: Approval): string {
  const by = approval.decidedBy?.name ?? "someone";
  const at = approval.decidedAt === undefined ? "" : ` at ${formatTime(approval.decidedAt)}`;
  switch (approval.status) {
    case "approved":
      return `Approved by ${by}${at}`;
    case "rejected":
      return `Rejected by ${by}${at}${approval.reason ? ` (${approval.reason})` : ""}`;
    case "expired":
      return `Expired at ${formatTime(approval.expiresAt)}; nothing was changed`;
    case "pending":
      return `Waiting for approval until ${formatTime(approval.expiresAt)}`;
  }
}

/** What the execution did, for approved records. */
export function outcomeLine(approval: Approval): string | undefined {
  if (approval.status !== "approved") return undefined;
  if (!approval.outcome) return "Running…";
  const link = approval.outcome.ref?.url ? ` ([${approval.outcome.ref.id}](${approval.outcome.ref.url}))` : "";
  return approval.outcome.ok ? `Done: ${approval.outcome.summary}${link}` : `Failed: ${approval.outcome.summary}`;
}

/** The approval card after a decision: same arguments, the decision and outcome, no buttons. */
export function decidedCard(approval: Approval, fields: CardField[], title?: string): Card {
  const headline = title ?? humanizeTool(approval.tool);
  const decision = decisionLine(approval);
  const blocks: CardBlock[] = [{ type: "text", text: `**${headline}**` }];
  if (fields.length > 0) blocks.push({ type: "fields", fields });
  blocks.push({ type: "text", text: decision });
  const outcome = outcomeLine(approval);
  if (outcome) blocks.push({ type: "text", text: outcome });
  blocks.push({ type: "context", text: `Approval \`${approval.id}\` · requested by ${approval.requester.name}` });
  const header = { approved: "Approved", rejected: "Rejected", expired: "Expired", pending: "Approval needed" }[
    approval.status
  ];
  return { header, blocks, fallbackText: `${decision}: ${headline}` };
}

/** Posted in the thread after an approved call ran (or failed). */
export function resultCard(approval: Approval, title?: string): Card {
  const headline = title ?? humanizeTool(approval.tool);
  const line = outcomeLine(approval) ?? decisionLine(approval);
  return {
    blocks: [
      { type: "text", text: line },
      { type: "context", text: `${headline} · ${decisionLine(approval)} · approval \`${approval.id}\`` },
    ],
    fallbackText: line,
  };
}
