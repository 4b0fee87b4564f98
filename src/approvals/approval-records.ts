import { createHash, randomBytes } from "node:crypto";
import type { AnyWriteAction } from "../core/actions.ts";
import type { Approval } from "../core/approval.ts";
import type { Principal } from "../core/principal.ts";
import type { ThreadRef } from "../core/thread.ts";
import { humanizeTool, shownTime } from "./approval-card.ts";
import type { AuditEntryInput } from "./audit.ts";

/** What is stored under `approval:<id>`: the record plus the card title shown to people. */
export interface StoredApproval extends Approval {
  title?: string;
  /** The outcome was written by recovery without knowing what the call did; a real one may replace it. */
  outcomeUnknown?: true;
  /** A "Retry failed steps" click claimed this change set then (one retry at a time). */
  retryingAt?: number;
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
const idPattern = /^[a-z0-9]{4,32}$/;

/** sha256 of the canonical JSON (sorted keys) of the arguments. */
export function hashArgs(args: unknown): string {
  return createHash("sha256").update(canonicalJson(args)).digest("hex");
}

/** JSON with object keys sorted at every level, so equal arguments hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** 10 characters of [a-z0-9] (about 51 bits): easy to type in `approve <id>`, url-safe. */
export function newApprovalId(length = 10): string {
  let id = "";
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 252 = 7 * 36: rejecting the top bytes keeps every character equally likely.
      if (byte < 252 && id.length < length) id += idAlphabet[byte % 36];
    }
  }
  return id;
}

export function normalizeId(value: string): string | undefined {
  const id = value.trim().toLowerCase();
  return idPattern.test(id) ? id : undefined;
}

export function key(id: string): string {
  return `approval:${id}`;
}

export function publicView(stored: StoredApproval): Approval {
  const { title: _title, outcomeUnknown: _unknown, retryingAt: _retrying, ...approval } = stored;
  return approval;
}

export function auditEntry(
  approval: Approval,
  principal: Principal,
  event: "approved" | "rejected" | "expired" | "refused",
  outcome?: string,
): AuditEntryInput {
  return {
    approvalId: approval.id,
    tool: approval.tool,
    argsHash: approval.argsHash,
    actor: { id: principal.id, name: principal.name },
    event,
    ...(outcome ? { outcome } : {}),
  };
}

/** "Already approved by X at T."; after a recovery, also what the call did. */
export function alreadyDecidedNotice(approval: Approval, recovered: boolean): string {
  const when = approval.decidedAt === undefined ? "" : ` at ${shownTime(approval.decidedAt)}`;
  const head = `Already ${approval.status} by ${approval.decidedBy?.name ?? "someone"}${when}.`;
  if (!recovered || !approval.outcome) return head;
  return `${head} ${approval.outcome.ok ? "Done" : "Failed"}: ${approval.outcome.summary}`;
}

export function safeTitle(action: AnyWriteAction, args: unknown): string {
  try {
    return action.title(args);
  } catch {
    return humanizeTool(action.name);
  }
}

/**
 * A top-level post (digest) has no thread yet; its replies thread under the posted card. A card
 * sent privately (the asked-in channel may not see its domain, src/bot/audience.ts) has its
 * result where the card went, never in the channel it was asked in.
 */
export function resultThread(approval: Approval): ThreadRef {
  const message = approval.message;
  if (message && message.thread.channel !== approval.thread.channel) {
    // The adapter's private ref names the thread replies go to (a Slack DM: under the card).
    return message.thread;
  }
  if (approval.thread.thread === "" && message) {
    return { ...message.thread, thread: message.messageId };
  }
  return approval.thread;
}
