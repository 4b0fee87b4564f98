import type { Approval } from "../../src/core/approval.ts";

/** The slice of a configured person the refresh list needs (OrgConfig users fit). */
export interface DirectoryUser {
  id: string;
  roles: string[];
  /** Teams AAD object id (or 29:... id). */
  teams?: string | undefined;
}

/**
 * Teams ids of the configured people the approval's policy lets decide, for the card's
 * `refresh.userIds`. Mirrors the server-side check (users or roles, no self-approval when
 * the policy forbids it); the server still re-checks every click.
 */
export function teamsApproverIds(approval: Pick<Approval, "policy" | "requester">, users: DirectoryUser[]): string[] {
  const { policy } = approval;
  const ids: string[] = [];
  for (const user of users) {
    if (!user.teams) continue;
    const listed = policy.users.includes(user.id) || user.roles.some((role) => policy.roles.includes(role));
    if (!listed) continue;
    if (!policy.allowSelfApproval && user.id === approval.requester.principalId) continue;
    ids.push(user.teams);
  }
  return ids;
}
