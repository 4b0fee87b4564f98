import type { Card } from "./card.ts";
import type { ChatUser, MessageRef } from "./chat.ts";
import type { Principal } from "./principal.ts";
import type { ThreadRef } from "./thread.ts";

export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired";

/** Who may decide an action; from config `approvals.<action>`. Empty lists allow nobody. */
export interface ApprovalPolicy {
  users: string[];
  roles: string[];
  allowSelfApproval: boolean;
  ttlMs: number;
}

export interface ApprovalOutcome {
  ok: boolean;
  /** Readable result ("Created PROJ-124", "Logged call on Example Corp"). */
  summary: string;
  /** Ids/links of what was written. */
  ref?: { id: string; url?: string };
  /** A change set's steps, in order, each with its own result (WriteAction.steps). */
  steps?: StepOutcome[];
}

/** How one step of a change set ended. `unknown`: it started and never reported (not rerun). */
export interface StepOutcome {
  title: string;
  status: "done" | "failed" | "unknown";
  summary: string;
  ref?: { id: string; url?: string };
}

/** A write waiting for a person (ARCHITECTURE.md, decision 1). Stored as JSON. */
export interface Approval {
  id: string;
  /** Write action name, e.g. "crm_log_activity". */
  tool: string;
  args: Record<string, unknown>;
  /** sha256 of the canonical JSON of args; shown in the audit log. */
  argsHash: string;
  requester: { principalId: string; name: string; chatUser: ChatUser };
  thread: ThreadRef;
  policy: ApprovalPolicy;
  createdAt: number;
  expiresAt: number;
  status: ApprovalStatus;
  /** The posted approval card, to update it after a decision. */
  message?: MessageRef;
  decidedBy?: { principalId: string; name: string };
  decidedAt?: number;
  reason?: string;
  outcome?: ApprovalOutcome;
}

export interface ApprovalRequest {
  tool: string;
  args: Record<string, unknown>;
  requester: Principal;
  thread: ThreadRef;
  /** One-line description of what will happen, shown on the card. */
  title?: string;
}

export type DecisionKind = "approve" | "reject";

export type DecisionResult =
  | { kind: "decided"; approval: Approval; card: Card }
  | { kind: "not_allowed"; approval: Approval; notice: string }
  | { kind: "already_decided"; approval: Approval; notice: string; card: Card }
  | { kind: "expired"; approval: Approval; notice: string; card: Card }
  | { kind: "not_found"; notice: string };

/**
 * The approvals service as other layers see it. chains/ (agent, digests) create approvals;
 * adapters route clicks to `decide`. Implemented in src/approvals.
 */
export interface ApprovalService {
  /** Validates args against the action's schema, stores the record and posts the card. */
  requestApproval(request: ApprovalRequest, post: (card: Card) => Promise<MessageRef>): Promise<Approval>;
  decide(approvalId: string, user: ChatUser, decision: DecisionKind, reason?: string): Promise<DecisionResult>;
  get(approvalId: string): Promise<Approval | undefined>;
  /**
   * Runs again only the failed steps of an approved change set ("Retry failed steps"), for a
   * person the record's policy lets decide it; steps that ran are never repeated.
   */
  retryFailedSteps?(approvalId: string, user: ChatUser): Promise<DecisionResult>;
}
