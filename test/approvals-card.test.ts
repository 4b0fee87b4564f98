import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  APPROVE_ACTION_ID,
  approvalCard,
  decidedCard,
  REJECT_ACTION_ID,
  resultCard,
} from "../src/approvals/approval-card.ts";
import { canonicalJson, hashArgs, newApprovalId } from "../src/approvals/approvals.ts";
import { AuditLog, formatAuditTable } from "../src/approvals/audit.ts";
import { runAuditCommand } from "../src/approvals/audit-command.ts";
import { checkDecider, describeDeciders, resolvePolicy } from "../src/approvals/policy.ts";
import type { Approval } from "../src/core/approval.ts";
import { cardButtons, cardToText } from "../src/core/card.ts";
import type { Principal } from "../src/core/principal.ts";
import { MemoryStore } from "../src/store/memory-store.ts";

const t0 = Date.parse("2026-11-23T09:00:00Z");

const pending: Approval = {
  id: "k3m9x2p7qa",
  tool: "accounting_approve_invoice",
  args: { invoiceId: "INV-4729", amount: 12_500 },
  argsHash: hashArgs({ invoiceId: "INV-4729", amount: 12_500 }),
  requester: { principalId: "alex", name: "Alex Rivera", chatUser: { platform: "console", id: "alex" } },
  thread: { platform: "console", workspace: "local", channel: "finance", thread: "t1" },
  policy: { users: ["fiona"], roles: ["finance"], allowSelfApproval: false, ttlMs: 72 * 3_600_000 },
  createdAt: t0,
  expiresAt: t0 + 72 * 3_600_000,
  status: "pending",
};
const fields = [
  { label: "Invoice", value: "INV-4729" },
  { label: "Amount", value: "$12,500.00" },
];

function person(id: string, roles: string[]): Principal {
  return { id, name: id, roles, domains: [], chatUser: { platform: "console", id } };
}

describe("approval card", () => {
  it("shows what will happen, the exact arguments, the requester, the expiry and both buttons", () => {
    const card = approvalCard(pending, fields, "Approve invoice INV-4729 for $12,500.00");
    const text = cardToText(card);
    for (const expected of [
      "Approve invoice INV-4729 for $12,500.00",
      "Invoice: INV-4729",
      "Amount: $12,500.00",
      "Requested by: Alex Rivera",
      "Expires: 2026-11-26 09:00 UTC",
      "approve k3m9x2p7qa / reject k3m9x2p7qa [reason]",
    ]) {
      expect(text).toContain(expected);
    }
    const [approve, reject] = cardButtons(card);
    expect(approve).toMatchObject({ actionId: APPROVE_ACTION_ID, value: pending.id, style: "primary" });
    expect(approve?.confirm?.confirm).toBe("Approve");
    expect(reject).toMatchObject({ actionId: REJECT_ACTION_ID, value: pending.id, style: "danger" });
  });

  it("says who approved it and what happened, without buttons", () => {
    const approved: Approval = {
      ...pending,
      status: "approved",
      decidedBy: { principalId: "fiona", name: "Fiona Walsh" },
      decidedAt: t0 + 5 * 60_000,
      outcome: {
        ok: true,
        summary: "Approved INV-4729",
        ref: { id: "INV-4729", url: "https://books.example/INV-4729" },
      },
    };
    const card = decidedCard(approved, fields, "Approve invoice INV-4729");
    expect(cardButtons(card)).toEqual([]);
    expect(card.header).toBe("Approved");
    expect(cardToText(card)).toContain("Approved by Fiona Walsh at 2026-11-23 09:05 UTC");
    expect(cardToText(card)).toContain("Done: Approved INV-4729 (INV-4729 (https://books.example/INV-4729))");
    expect(cardToText(resultCard(approved))).toContain("Done: Approved INV-4729");
  });

  it("shows the rejection reason and the expiry", () => {
    const rejected: Approval = {
      ...pending,
      status: "rejected",
      decidedBy: { principalId: "fiona", name: "Fiona Walsh" },
      decidedAt: t0,
      reason: "duplicate of INV-4711",
    };
    expect(cardToText(decidedCard(rejected, fields))).toContain(
      "Rejected by Fiona Walsh at 2026-11-23 09:00 UTC (duplicate of INV-4711)",
    );
    const expired = decidedCard({ ...pending, status: "expired" }, fields);
    expect(expired.header).toBe("Expired");
    expect(cardToText(expired)).toContain("Expired at 2026-11-26 09:00 UTC; nothing was changed");
    expect(cardButtons(expired)).toEqual([]);
  });
});

describe("approval policy", () => {
  it("describes who can approve in words", () => {
    const names: Record<string, string> = { fiona: "Fiona Walsh", sam: "Sam Patel" };
    const nameOf = (id: string) => names[id];
    expect(describeDeciders({ ...pending.policy, allowSelfApproval: true }, nameOf)).toBe(
      "Only Fiona Walsh or someone with the finance role can approve this.",
    );
    expect(
      describeDeciders(
        { users: ["fiona", "sam"], roles: ["sales", "admin"], allowSelfApproval: true, ttlMs: 1 },
        nameOf,
      ),
    ).toBe("Only Fiona Walsh, Sam Patel or someone with the sales or admin role can approve this.");
    expect(describeDeciders(pending.policy, nameOf)).toBe(
      "Only Fiona Walsh or someone with the finance role (not the person who asked for it) can approve this.",
    );
    expect(describeDeciders({ users: [], roles: [], allowSelfApproval: true, ttlMs: 1 }, nameOf)).toMatch(/^Nobody/);
  });

  it("allows listed users and roles, refuses others and the requester when self approval is off", () => {
    expect(checkDecider(pending, person("fiona", []))).toEqual({ allowed: true });
    expect(checkDecider(pending, person("gina", ["finance"]))).toEqual({ allowed: true });
    expect(checkDecider(pending, person("sam", ["sales"]))).toEqual({ allowed: false, reason: "not_listed" });
    expect(checkDecider(pending, person("alex", ["finance"]))).toEqual({ allowed: false, reason: "self_approval" });
  });

  it("falls back to the default policy, and to nobody without one", () => {
    const policies = {
      default: { users: [], roles: ["admin"], allowSelfApproval: true, ttlHours: 2 },
      crm_log_activity: { users: ["sam"], roles: [], allowSelfApproval: true, ttlHours: 0.5 },
    };
    expect(resolvePolicy(policies, "crm_log_activity")).toEqual({
      users: ["sam"],
      roles: [],
      allowSelfApproval: true,
      ttlMs: 1_800_000,
    });
    expect(resolvePolicy(policies, "jira_create_issue").roles).toEqual(["admin"]);
    expect(resolvePolicy(policies, "jira_create_issue").ttlMs).toBe(7_200_000);
    expect(resolvePolicy({}, "jira_create_issue")).toMatchObject({ users: [], roles: [] });
  });
});

describe("argument hashing and ids", () => {
  it("hashes equal arguments equally whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
    expect(hashArgs({ a: 1, b: "x" })).toBe(hashArgs({ b: "x", a: 1 }));
    expect(hashArgs({ a: 1 })).not.toBe(hashArgs({ a: 2 }));
    expect(hashArgs({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("makes short, typeable, distinct approval ids", () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => newApprovalId()));
    expect(ids.size).toBe(2_000);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{10}$/);
  });
});

describe("audit command", () => {
  it("prints the newest entries as a table", async () => {
    const store = new MemoryStore();
    const log = new AuditLog(store);
    const base = { approvalId: pending.id, tool: pending.tool, argsHash: pending.argsHash };
    await log.append({ ...base, at: t0, actor: { id: "alex", name: "Alex Rivera" }, event: "requested" });
    await log.append({ ...base, at: t0 + 1_000, actor: { id: "fiona", name: "Fiona Walsh" }, event: "approved" });
    await log.append({
      ...base,
      at: t0 + 2_000,
      actor: { id: "daybook", name: "daybook" },
      event: "executed",
      outcome: "Approved INV-4729",
    });
    let printed = "";
    const output = new Writable({
      write(chunk, _encoding, done) {
        printed += String(chunk);
        done();
      },
    });
    expect(await runAuditCommand({ store, output, limit: 2 })).toBe(2);
    const lines = printed.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe(
      `2026-11-23 09:00:01  ${pending.id}  approved  accounting_approve_invoice  Fiona Walsh (fiona)  ${pending.argsHash}`,
    );
    expect(lines[3]).toContain(
      `executed  accounting_approve_invoice  daybook              ${pending.argsHash}  Approved INV-4729`,
    );
    expect(formatAuditTable([])).toBe("No approval activity recorded yet.");
  });
});
