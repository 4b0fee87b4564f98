import { describe, expect, it } from "vitest";
import {
  adfToText,
  normalizeIssue,
  normalizeIssueDetail,
  normalizeSprint,
  textToAdf,
  toIso,
} from "../tools/jira/normalize.ts";

const options = {
  baseUrl: "https://acme.atlassian.net/",
  storyPointsField: "customfield_10016",
  flaggedField: "customfield_10021",
};

const paragraph = (text: string) => ({ type: "paragraph", content: [{ type: "text", text }] });

describe("normalizeIssue", () => {
  it("maps the fields a person needs from a Jira search result", () => {
    const issue = normalizeIssue(
      {
        key: "DAY-7",
        fields: {
          summary: "Feature-Authentication",
          status: { name: "In Review", statusCategory: { key: "indeterminate" } },
          issuetype: { name: "Story" },
          assignee: { displayName: "Sarah Chen", accountId: "abc" },
          priority: { name: "High" },
          labels: ["auth"],
          customfield_10016: 5,
          customfield_10021: null,
          created: "2026-11-16T09:00:00.000+0000",
          updated: "2026-11-22T17:30:00.000+0100",
          statuscategorychangedate: "2026-11-21T10:00:00.000+0000",
          duedate: "2026-11-27",
          resolutiondate: null,
        },
      },
      options,
    );
    expect(issue).toEqual({
      key: "DAY-7",
      summary: "Feature-Authentication",
      type: "Story",
      status: "In Review",
      statusCategory: "in_progress",
      assignee: "Sarah Chen",
      storyPoints: 5,
      priority: "High",
      labels: ["auth"],
      flagged: false,
      blockedBy: [],
      created: "2026-11-16T09:00:00.000Z",
      updated: "2026-11-22T16:30:00.000Z",
      statusChangedAt: "2026-11-21T10:00:00.000Z",
      dueDate: "2026-11-27",
      url: "https://acme.atlassian.net/browse/DAY-7",
    });
  });

  it("maps Jira's three status category keys", () => {
    const category = (key: string) =>
      normalizeIssue({ key: "A-1", fields: { status: { name: "x", statusCategory: { key } } } }, options)
        .statusCategory;
    expect([category("new"), category("indeterminate"), category("done"), category("undefined")]).toEqual([
      "todo",
      "in_progress",
      "done",
      "todo",
    ]);
  });

  it("reads the Flagged checkbox and blockers from links and waiting-on labels", () => {
    const issue = normalizeIssue(
      {
        key: "DAY-8",
        fields: {
          customfield_10021: [{ value: "Impediment", id: "10019" }],
          labels: ["waiting-on-backend"],
          issuelinks: [
            { type: { name: "Blocks", inward: "is blocked by", outward: "blocks" }, inwardIssue: { key: "API-12" } },
            { type: { name: "Blocks", inward: "is blocked by", outward: "blocks" }, outwardIssue: { key: "DAY-9" } },
            { type: { name: "Relates", inward: "relates to", outward: "relates to" }, inwardIssue: { key: "DAY-3" } },
          ],
        },
      },
      options,
    );
    expect(issue.flagged).toBe(true);
    expect(issue.blockedBy).toEqual(["API-12", "waiting on backend team"]);
  });

  it("takes the time the issue entered its status from the changelog when present", () => {
    const issue = normalizeIssue(
      {
        key: "DAY-5",
        fields: { statuscategorychangedate: "2026-11-01T00:00:00.000+0000" },
        changelog: {
          histories: [
            { created: "2026-11-20T08:00:00.000+0000", items: [{ field: "status", toString: "In Progress" }] },
            { created: "2026-11-21T08:00:00.000+0000", items: [{ field: "assignee" }] },
            { created: "2026-11-19T08:00:00.000+0000", items: [{ field: "status", toString: "To Do" }] },
          ],
        },
      },
      options,
    );
    expect(issue.statusChangedAt).toBe("2026-11-20T08:00:00.000Z");
  });

  it("degrades to placeholders instead of failing on an empty payload", () => {
    const issue = normalizeIssue({}, options);
    expect(issue).toMatchObject({
      key: "UNKNOWN",
      summary: "(no summary)",
      status: "Unknown",
      labels: [],
      flagged: false,
    });
    expect(issue.storyPoints).toBeUndefined();
  });
});

describe("Atlassian Document Format", () => {
  it("turns blocks into lines so a heading does not run into the next paragraph", () => {
    const doc = {
      type: "doc",
      version: 1,
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Deploy" }] },
        {
          type: "paragraph",
          content: [
            { type: "mention", attrs: { id: "1", text: "@David" } },
            { type: "text", text: " credentials " },
            { type: "text", text: "expired", marks: [{ type: "strong" }] },
          ],
        },
        {
          type: "bulletList",
          content: [
            { type: "listItem", content: [paragraph("rotate keys")] },
            { type: "listItem", content: [paragraph("redeploy")] },
          ],
        },
      ],
    };
    expect(adfToText(doc)).toBe("Deploy\n@David credentials expired\n- rotate keys\n- redeploy");
  });

  it("shortens long text with an ellipsis", () => {
    expect(adfToText({ type: "doc", content: [paragraph("a".repeat(50))] }, 10)).toBe(`${"a".repeat(9)}…`);
  });

  it("round-trips plain text lines as paragraphs", () => {
    expect(adfToText(textToAdf("first line\n\nsecond line"))).toBe("first line\nsecond line");
  });
});

describe("issue detail, sprint and dates", () => {
  it("keeps the newest five comments oldest first, as plain text", () => {
    const comments = Array.from({ length: 7 }, (_, i) => ({
      id: String(i),
      author: { displayName: `P${i}` },
      created: `2026-11-1${i}T09:00:00.000+0000`,
      body: { type: "doc", content: [paragraph(`note ${i}`)] },
    }));
    const detail = normalizeIssueDetail(
      {
        key: "DAY-1",
        fields: { description: { type: "doc", content: [paragraph("Why it matters")] }, comment: { comments } },
      },
      options,
    );
    expect(detail.description).toBe("Why it matters");
    expect(detail.comments.map((c) => c.body)).toEqual(["note 2", "note 3", "note 4", "note 5", "note 6"]);
    expect(detail.comments[4]).toEqual({ id: "6", author: "P6", created: "2026-11-16T09:00:00.000Z", body: "note 6" });
  });

  it("normalizes an Agile sprint", () => {
    expect(
      normalizeSprint({
        id: 72,
        name: "Sprint 14",
        state: "active",
        startDate: "2026-11-16T09:00:00.000+10:00",
        goal: "Auth",
      }),
    ).toEqual({ id: 72, name: "Sprint 14", state: "active", startDate: "2026-11-15T23:00:00.000Z", goal: "Auth" });
  });

  it("accepts the Date objects jira.js produces for some documented fields", () => {
    expect(toIso(new Date("2026-11-23T09:00:00Z"))).toBe("2026-11-23T09:00:00.000Z");
    expect(toIso("not a date")).toBe("not a date");
    expect(toIso(undefined)).toBeUndefined();
  });
});
