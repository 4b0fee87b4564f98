import { describe, expect, it } from "vitest";
import { teamsApproverIds } from "../adapters/teams/approvers.ts";
import {
  type AdaptiveCard,
  maxCardBytes,
  REFRESH_VERB,
  renderAdaptiveCard,
  teamsMarkdown,
  withNotice,
} from "../adapters/teams/format/adaptive-card.ts";
import { approvalCard, decidedCard, resultCard } from "../src/approvals/approval-card.ts";
import { helpText } from "../src/bot/help-answerer.ts";
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../src/core/action-ids.ts";
import type { Approval } from "../src/core/approval.ts";
import type { Card } from "../src/core/card.ts";
import { expectValidAdaptiveCard } from "./support/adaptive-cards.ts";

const expectValidCard = expectValidAdaptiveCard;

function actionsOf(card: AdaptiveCard): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      const record = value as Record<string, unknown>;
      if (record.type === "Action.Execute") found.push(record);
      for (const [key, child] of Object.entries(record)) if (key !== "refresh") walk(child);
    }
  };
  walk(card.body);
  return found;
}

const approval: Approval = {
  id: "k3v9x2qa",
  tool: "crm_log_activity",
  args: { customer: "BrightTech Inc", note: "Renewal call" },
  argsHash: "abc",
  requester: { principalId: "alex", name: "Alex Rivera", chatUser: { platform: "teams", id: "aad-alex" } },
  thread: { platform: "teams", workspace: "t1", channel: "a:1chat", thread: "" },
  policy: { users: [], roles: ["sales"], allowSelfApproval: true, ttlMs: 72 * 3_600_000 },
  createdAt: Date.parse("2026-11-23T09:00:00Z"),
  expiresAt: Date.parse("2026-11-26T09:00:00Z"),
  status: "pending",
};
const fields = [
  { label: "Customer", value: "BrightTech Inc" },
  { label: "Note", value: "Renewal call" },
];

describe("Adaptive Card rendering", () => {
  it("renders every block kind as a valid Adaptive Card 1.5 with a text fallback", () => {
    const card: Card = {
      header: "Sprint 42",
      blocks: [
        { type: "text", text: "**3 blockers**, see `ENG-12` and [the board](https://example.com/board)" },
        { type: "fields", fields: [{ label: "Done", value: "62%" }] },
        { type: "divider" },
        {
          type: "list",
          title: "Blockers",
          items: [
            { title: "ENG-12 Login fails", text: "Flagged", meta: "3d", url: "https://example.com/ENG-12" },
            {
              title: "ENG-14",
              buttons: [{ actionId: "daybook.close.approve_invoice", label: "Approve", value: "inv-1" }],
            },
          ],
        },
        { type: "actions", buttons: [{ actionId: "daybook.sales.draft_followup", label: "Draft", value: "d-1" }] },
        { type: "context", text: "as of 09:00" },
      ],
    };
    const rendered = renderAdaptiveCard(card);
    expectValidCard(rendered);
    expect(rendered.version).toBe("1.5");
    expect(rendered.fallbackText).toBe("Sprint 42");
    const json = JSON.stringify(rendered);
    expect(json).toContain('"type":"FactSet"');
    expect(json).toContain('"type":"ColumnSet"');
    expect(json).toContain('"type":"Container"');
    expect(json).toContain('"separator":true');
    expect(json).toContain("[ENG-12 Login fails](https://example.com/ENG-12)");
    expect(json).not.toContain("`");
    expect(actionsOf(rendered).map((a) => [a.verb, a.data])).toEqual([
      ["daybook.close.approve_invoice", { value: "inv-1" }],
      ["daybook.sales.draft_followup", { value: "d-1" }],
    ]);
    expect(rendered.refresh).toBeUndefined();
  });

  it("renders the help reply as a valid card", () => {
    expectValidCard(renderAdaptiveCard({ blocks: [{ type: "text", text: helpText }] }));
  });

  it("renders an approval card with Approve/Reject as Action.Execute and a refresh for the approvers", () => {
    const rendered = renderAdaptiveCard(approvalCard(approval, fields, "Log a call on BrightTech Inc"), {
      approverIds: ["aad-sam", "aad-alex"],
    });
    expectValidCard(rendered);
    expect(rendered.fallbackText).toBe("Approval needed: Log a call on BrightTech Inc");
    const actions = actionsOf(rendered);
    expect(actions.map((a) => [a.verb, a.data, a.style])).toEqual([
      [APPROVE_ACTION_ID, { value: approval.id }, "positive"],
      [REJECT_ACTION_ID, { value: approval.id }, "destructive"],
    ]);
    expect(rendered.refresh).toEqual({
      action: { type: "Action.Execute", title: "Refresh", verb: REFRESH_VERB, data: { value: approval.id } },
      userIds: ["aad-sam", "aad-alex"],
    });
  });

  it("leaves out refresh when nobody on Teams may approve", () => {
    const rendered = renderAdaptiveCard(approvalCard(approval, fields, "Log a call"), { approverIds: [] });
    expect(rendered.refresh).toBeUndefined();
    expectValidCard(rendered);
  });

  it("renders decided approvals and results with the decision and no buttons", () => {
    const decided: Approval = {
      ...approval,
      status: "approved",
      decidedBy: { principalId: "sam", name: "Sam Patel" },
      decidedAt: Date.parse("2026-11-23T09:05:00Z"),
      outcome: { ok: true, summary: "Logged call on BrightTech Inc" },
    };
    for (const card of [decidedCard(decided, fields, "Log a call"), resultCard(decided, "Log a call")]) {
      const rendered = renderAdaptiveCard(card, { approverIds: ["aad-sam"] });
      expectValidCard(rendered);
      expect(actionsOf(rendered)).toEqual([]);
      expect(rendered.refresh).toBeUndefined();
      // Teams shows DATE()/TIME() in each reader's own zone and locale.
      expect(JSON.stringify(rendered)).toContain(
        "Approved by Sam Patel at {{DATE(2026-11-23T09:05:00Z, SHORT)}} {{TIME(2026-11-23T09:05:00Z)}}",
      );
      expect(rendered.fallbackText).not.toContain("{{");
    }
  });

  it("keeps a huge list under Teams' message size limit with a 'more' line", () => {
    const items = Array.from({ length: 2_000 }, (_, i) => ({
      title: `Invoice INV-${i} from a vendor with a long name`,
      text: "Missing purchase order; amount differs from the PO by more than five percent",
      meta: `$${(i * 137) % 10_000}`,
    }));
    const rendered = renderAdaptiveCard({ header: "Close exceptions", blocks: [{ type: "list", items }] });
    expect(Buffer.byteLength(JSON.stringify(rendered))).toBeLessThanOrEqual(maxCardBytes);
    expectValidCard(rendered);
    const more = JSON.stringify(rendered).match(/…and (\d+) more/);
    expect(Number(more?.[1])).toBeGreaterThan(1_000);
  });

  it("clips one enormous text block instead of failing to post", () => {
    const rendered = renderAdaptiveCard({ blocks: [{ type: "text", text: "x".repeat(200_000) }] });
    expect(Buffer.byteLength(JSON.stringify(rendered))).toBeLessThanOrEqual(maxCardBytes);
    expectValidCard(rendered);
  });

  it("puts a refusal notice above the card that was clicked, or alone", () => {
    const base = renderAdaptiveCard(approvalCard(approval, fields, "Log a call"));
    const refused = withNotice(base, "Only someone with the sales role can approve this.");
    expectValidCard(refused);
    expect(JSON.stringify(refused.body[0])).toContain("Only someone with the sales role");
    expect(refused.body.length).toBe(base.body.length + 1);
    expectValidCard(withNotice(undefined, "Already approved by Sam Patel."));
  });

  it("turns single line breaks into paragraph breaks Teams renders", () => {
    expect(teamsMarkdown("a\nb")).toBe("a\n\nb");
    expect(teamsMarkdown("a\n\n\nb")).toBe("a\n\nb");
  });
});

describe("approvers for the refresh list", () => {
  const users = [
    { id: "alex", roles: ["admin"], teams: "aad-alex" },
    { id: "sam", roles: ["sales"], teams: "aad-sam" },
    { id: "fiona", roles: ["finance"], teams: "aad-fiona" },
    { id: "gina", roles: ["finance"] },
  ];

  it("lists people the policy names by id or role who have a Teams id", () => {
    const policy = { users: ["alex"], roles: ["finance"], allowSelfApproval: true, ttlMs: 1 };
    expect(teamsApproverIds({ ...approval, policy }, users)).toEqual(["aad-alex", "aad-fiona"]);
  });

  it("leaves out the requester when the policy forbids self-approval", () => {
    const policy = { users: [], roles: ["finance"], allowSelfApproval: false, ttlMs: 1 };
    const requester = { ...approval.requester, principalId: "fiona" };
    expect(teamsApproverIds({ policy, requester }, users)).toEqual([]);
  });
});
