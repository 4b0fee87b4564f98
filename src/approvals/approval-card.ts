import { APPROVE_ACTION_ID, REJECT_ACTION_ID, RETRY_STEPS_ACTION_ID } from "../core/action-ids.ts";
import type { Approval } from "../core/approval.ts";
import { type Card, type CardBlock, type CardField, visibleText } from "../core/card.ts";
import { formatUtc, timeToken } from "../core/reader-time.ts";

export { APPROVE_ACTION_ID, REJECT_ACTION_ID };

/** "2026-11-23 09:00 UTC": for stored text (audit outcomes), read later by anyone anywhere. */
export function formatTime(ms: number): string {
  return formatUtc(ms);
}

/**
 * A time on a card or notice: a time token, so each reader of a shared thread sees it in their
 * own zone and locale (Slack `<!date>`, Teams DATE/TIME) and plain text shows it in UTC.
 */
export function shownTime(ms: number): string {
  return timeToken(ms);
}

/** "crm_log_activity" -> "Crm log activity", when no action title is known. */
export function humanizeTool(tool: string): string {
  const words = tool.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The title and every argument as verbatim blocks: renderers show them literally and in full
 * (ARCHITECTURE.md, decision 9), so a Markdown link, a mention or a fake "Approved by" line in
 * an argument reads as the characters that will be written.
 */
function argumentBlocks(title: string, fields: CardField[]): CardBlock[] {
  return [
    { type: "verbatim", text: title },
    ...fields.map((f): CardBlock => ({ type: "verbatim", label: f.label, text: f.value })),
  ];
}

/**
 * The described fields plus any string argument that none of them shows: `describe` is
 * written per action and may miss one, and an approver must see every stored string.
 */
export function withUnshownArgs(fields: CardField[], args: Record<string, unknown>): CardField[] {
  const extra: CardField[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === "string") {
      if (value !== "" && !fields.some((f) => f.value.includes(value))) extra.push({ label: path, value });
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, `${path}[${i}]`);
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, path === "" ? k : `${path}.${k}`);
    }
  };
  visit(args, "");
  return [...fields, ...extra];
}

/**
 * A click or `approve <id>` for a record the store does not have. Records stay 30 days past
 * their expiry, so a well-formed id that is missing means the record itself is gone (e.g. a
 * store restarted without persistence): say that, not that it aged out.
 */
export function notFoundNotice(rawId: string, wellFormed: boolean): string {
  const shown = rawId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 40);
  if (!wellFormed) return `\`${shown}\` is not an approval id; check it and try again.`;
  return `Approval \`${shown}\` is no longer known to daybook (its record is gone), so it cannot be approved or rejected; ask for the change again.`;
}

/** The line naming the sha256 of the stored arguments, the ones that run on approval. */
export function argsHashLine(approval: Approval): string {
  return `Arguments sha256 \`${approval.argsHash}\``;
}

/**
 * The card posted when a write waits for a person: what will happen, the exact arguments,
 * who asked, when it expires, the hash of the arguments that will run, and Approve / Reject
 * buttons carrying the approval id.
 */
export function approvalCard(approval: Approval, fields: CardField[], title: string): Card {
  const blocks: CardBlock[] = argumentBlocks(title, fields);
  blocks.push({
    type: "fields",
    fields: [
      { label: "Requested by", value: approval.requester.name },
      { label: "Expires", value: shownTime(approval.expiresAt) },
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
  blocks.push({ type: "context", text: argsHashLine(approval) });
  blocks.push({
    type: "context",
    text: `Approval \`${approval.id}\` · or reply \`approve ${approval.id}\` / \`reject ${approval.id} [reason]\``,
  });
  // The notification text names invisible characters too.
  return { header: "Approval needed", blocks, fallbackText: `Approval needed: ${visibleText(title)}` };
}

/** The one line that says how an approval ended ("Approved by X at T"). */
export function decisionLine(approval: Approval): string {
  const by = approval.decidedBy?.name ?? "someone";
  const at = approval.decidedAt === undefined ? "" : ` at ${shownTime(approval.decidedAt)}`;
  switch (approval.status) {
    case "approved":
      return `Approved by ${by}${at}`;
    case "rejected":
      return `Rejected by ${by}${at}${approval.reason ? ` (${approval.reason})` : ""}`;
    case "expired":
      return `Expired at ${shownTime(approval.expiresAt)}; nothing was changed`;
    case "pending":
      return `Waiting for approval until ${shownTime(approval.expiresAt)}`;
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
  const blocks: CardBlock[] = argumentBlocks(headline, fields);
  blocks.push({ type: "text", text: decision });
  const outcome = outcomeLine(approval);
  if (outcome) blocks.push({ type: "text", text: outcome });
  blocks.push({ type: "context", text: argsHashLine(approval) });
  blocks.push({ type: "context", text: `Approval \`${approval.id}\` · requested by ${approval.requester.name}` });
  const header = { approved: "Approved", rejected: "Rejected", expired: "Expired", pending: "Approval needed" }[
    approval.status
  ];
  return { header, blocks, fallbackText: `${decision}: ${visibleText(headline)}` };
}

/** Posted in the thread after an approved call ran (or failed). */
export function resultCard(approval: Approval, title?: string): Card {
  const headline = title ?? humanizeTool(approval.tool);
  const line = outcomeLine(approval) ?? decisionLine(approval);
  const blocks: CardBlock[] = [{ type: "text", text: line }];
  // A change set with a failed step: only those steps run again (src/approvals/steps.ts).
  if (approval.status === "approved" && approval.outcome?.steps?.some((s) => s.status === "failed")) {
    blocks.push({
      type: "actions",
      buttons: [{ actionId: RETRY_STEPS_ACTION_ID, label: "Retry failed steps", value: approval.id, style: "primary" }],
    });
  }
  const retry = blocks.some((b) => b.type === "actions") ? ` · or reply \`retry ${approval.id}\`` : "";
  blocks.push({
    type: "context",
    text: `${headline} · ${decisionLine(approval)} · approval \`${approval.id}\`${retry}`,
  });
  return { blocks, fallbackText: line };
}
