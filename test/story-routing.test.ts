import { describe, expect, it } from "vitest";
import { asksForChange } from "../chains/agent/tool-selection.ts";

describe("a request to write a user story", () => {
  it("is a change request, so ChatOpenAI is offered jira_create_story", () => {
    expect(asksForChange("write a user story for password reset via email")).toBe(true);
    expect(asksForChange("draft a story for exporting invoices")).toBe(true);
  });
  it("leaves reading stories a read", () => {
    expect(asksForChange("which stories are in the sprint?")).toBe(false);
  });
});
