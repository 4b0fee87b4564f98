import { describe, expect, it } from "vitest";
import { asksForChange, ROUTER_TOOL, selectTools } from "../chains/agent/tool-selection.ts";
import type { AnswerInput, HistoryEntry } from "../src/core/answerer.ts";
import type { ToolDomain } from "../src/core/principal.ts";
import { agentCatalog, principalOf, recordingResponder, testThread } from "./agent-fixtures.ts";

const catalog = agentCatalog();
const domainOf = new Map<string, ToolDomain>([
  ...catalog.read.map((r) => [r.tool.name, r.domain] as [string, ToolDomain]),
  ...catalog.actions.map((a) => [a.name, a.domain] as [string, ToolDomain]),
]);
const writes = new Set(catalog.actions.map((a) => a.name));

function selection(text: string, userId = "alex", history: HistoryEntry[] = []) {
  const principal = principalOf(userId);
  const input: AnswerInput = {
    message: { thread: testThread, user: principal.chatUser, text, receivedAt: 0 },
    principal,
    history,
    traceId: "t",
    responder: recordingResponder(),
  };
  return selectTools({ input, allowed: new Set(principal.domains), catalog, domainOf, writes });
}

const systemsOf = (names: Set<string>) => new Set([...names].map((n) => domainOf.get(n) ?? n));

describe("tool selection for a model billed by the token", () => {
  it("offers a question that names its system that system's read tools, and no writes", () => {
    const bound = selection("which invoices are overdue?").bound();
    expect(systemsOf(bound)).toEqual(new Set(["accounting"]));
    expect([...bound].some((n) => writes.has(n))).toBe(false);
    expect(bound.has("accounting_invoices")).toBe(true);
  });

  it("offers a change request its writes and the look-ups that find the record, then the rest through the router", async () => {
    const s = selection("move the Acme deal to Closed Won");
    const bound = s.bound();
    expect(bound.has("crm_update_deal_stage")).toBe(true);
    expect(bound.has("crm_find")).toBe(true);
    expect(bound.has("crm_deals_by_priority")).toBe(false);
    expect(bound.has(ROUTER_TOOL)).toBe(true);
    await s.router?.invoke({ systems: ["crm"] });
    expect(s.bound().has("crm_deals_by_priority")).toBe(true);
  });

  it("offers a question naming no system one front-door tool per system and the router, which opens a system", async () => {
    const s = selection("anything I should look at first this morning?");
    expect([...s.bound()].sort()).toEqual(
      ["accounting_close_exceptions", "crm_deals_by_priority", "jira_sprint_status", ROUTER_TOOL].sort(),
    );
    expect(await s.router?.invoke({ systems: ["jira"] })).toBe("The jira tools are now offered.");
    expect(systemsOf(s.bound())).toEqual(new Set(["jira"]));
  });

  it("never offers a system beyond the requester's roles, even when the question names it", async () => {
    const s = selection("what's left for the November close?", "maria");
    expect(systemsOf(s.bound())).toEqual(new Set(["jira"]));
    await expect(s.router?.invoke({ systems: ["accounting"] })).rejects.toThrow();
  });

  it("keeps the previous answer's system for a follow-up, not for a new topic", () => {
    const history: HistoryEntry[] = [
      { role: "user", text: "which deals need me today?", at: 0, by: "alex" },
      { role: "assistant", text: "…", at: 0, data: { calls: [{ tool: "crm_deals_by_priority", args: {} }], refs: [] } },
    ];
    expect(systemsOf(selection("and the second one?", "alex", history).bound())).toEqual(new Set(["crm"]));
    expect(selection("anything else today?", "alex", history).bound().has(ROUTER_TOOL)).toBe(true);
  });

  it("reads change verbs, not nouns that look like them", () => {
    for (const text of [
      "create a ticket for the login bug",
      "log a call with Acme",
      "approve invoice 4729",
      "open a ticket",
    ])
      expect(asksForChange(text), text).toBe(true);
    for (const text of ["which customers have an open support ticket?", "show my open deals", "note the sprint goal?"])
      expect(asksForChange(text), text).toBe(false);
  });
});
