import type { PolicyConfig } from "../config/org.ts";
import type { Approval, ApprovalPolicy } from "../core/approval.ts";
import { DaybookError } from "../core/errors.ts";
import type { Principal } from "../core/principal.ts";

const hourMs = 3_600_000;

/** Used when neither the action nor "default" has a policy: nobody may approve (fail closed). */
export const nobodyPolicy: ApprovalPolicy = { users: [], roles: [], allowSelfApproval: false, ttlMs: 72 * hourMs };

export function policyFromConfig(config: PolicyConfig): ApprovalPolicy {
  return {
    users: [...config.users],
    roles: [...config.roles],
    allowSelfApproval: config.allowSelfApproval,
    ttlMs: Math.round(config.ttlHours * hourMs),
  };
}

/** The action's own policy, else the "default" entry, else nobody. */
export function resolvePolicy(policies: Record<string, PolicyConfig>, tool: string): ApprovalPolicy {
  const config = Object.hasOwn(policies, tool) ? policies[tool] : policies.default;
  return config ? policyFromConfig(config) : { ...nobodyPolicy };
}

export type PolicyVerdict = { allowed: true } | { allowed: false; reason: "not_listed" | "self_approval" };

/**
 * Whether `principal` may decide `approval`. Policy users match the config id (or the
 * "<platform>:<id>" id of an unconfigured person); roles match any of the person's roles.
 * The policy is the one frozen on the record at request time, so a config change never
 * silently widens who may decide a request already in flight.
 */
export function checkDecider(approval: Pick<Approval, "policy" | "requester">, principal: Principal): PolicyVerdict {
  const { policy } = approval;
  const listed = policy.users.includes(principal.id) || principal.roles.some((role) => policy.roles.includes(role));
  if (!listed) return { allowed: false, reason: "not_listed" };
  if (!policy.allowSelfApproval && principal.id === approval.requester.principalId) {
    return { allowed: false, reason: "self_approval" };
  }
  return { allowed: true };
}

/**
 * "Only Jane Doe or someone with the finance role can approve this." `nameOf` maps a
 * policy user id to a display name (falls back to the id).
 */
export function describeDeciders(policy: ApprovalPolicy, nameOf: (userId: string) => string | undefined): string {
  const people = policy.users.map((id) => nameOf(id) ?? id);
  const alternatives = [...people];
  if (policy.roles.length > 0) {
    alternatives.push(`someone with the ${joinOr(policy.roles)} role`);
  }
  if (alternatives.length === 0) {
    return "Nobody can approve this: its approval policy lists no users or roles.";
  }
  const self = policy.allowSelfApproval ? "" : " (not the person who asked for it)";
  return `Only ${joinOr(alternatives)}${self} can approve this.`;
}

/** The notice a refused clicker sees (only them). */
export function refusalNotice(
  verdict: Exclude<PolicyVerdict, { allowed: true }>,
  policy: ApprovalPolicy,
  nameOf: (userId: string) => string | undefined,
): string {
  const who = describeDeciders(policy, nameOf);
  return verdict.reason === "self_approval" ? `You asked for this, so someone else has to decide it. ${who}` : who;
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

/**
 * The write-action names shared by every deployment (the contract in tools/catalog.ts, which
 * src/ may not import). A config may give any of them a policy even when a deployment wires
 * only some actions; anything else is a typo that would silently fall back to "default".
 */
export const sharedWriteActionNames: readonly string[] = [
  "jira_create_issue",
  "jira_add_comment",
  "jira_create_story",
  "crm_log_activity",
  "crm_update_deal_stage",
  "crm_log_call_changes",
  "accounting_approve_invoice",
  "accounting_reject_invoice",
  "accounting_code_bank_line",
];

/**
 * Throws DaybookError("config_invalid") when a policy key names no known write action:
 * `accounting_approve_invoices` would otherwise fall back to "default" without a word.
 */
export function checkPolicyKeys(policies: Record<string, unknown>, actionNames: Iterable<string>): void {
  const known = new Set([...sharedWriteActionNames, ...actionNames]);
  const unknown = Object.keys(policies).filter((k) => k !== "default" && !known.has(k));
  if (unknown.length === 0) return;
  const list = [...known].sort().join(", ");
  const keys = unknown.map((k) => `"${k}"`).join(", ");
  throw new DaybookError(
    "config_invalid",
    `approvals: unknown action name${unknown.length > 1 ? "s" : ""} ${keys}; known write actions are ${list} (plus "default")`,
  );
}
