/**
 * jira_create_story (issue 16, item 5) through the real Jira Cloud connector against the local
 * Jira fake, and through the demo port, on the demo and second organisations: a Story first,
 * then sub-tasks carrying `parent: { key }`, each step once per approval.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Approvals } from "../src/approvals/approvals.ts";
import { createPrincipalResolver } from "../src/bot/principals.ts";
import { orgSchema } from "../src/config/org.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { JiraPort } from "../src/core/domain/jira.ts";
import { DaybookError } from "../src/core/errors.ts";
import { silentLogger } from "../src/core/logger.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { northwindProfile } from "../tools/demo/profile.ts";
import { type CreateStoryArgs, createStorySchema, jiraStoryAction } from "../tools/jira/story.ts";
import { EntityLabels } from "../tools/shared/compact.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { type OrgFakes, startOrgFakes } from "./support/org-fakes/index.ts";

const at = "2026-11-23T09:00:00Z";
const draft: CreateStoryArgs = createStorySchema.parse({
  summary: "Password reset via email",
  story: "As a signed-out user, I want to reset my password by email so that I can get back into my account.",
  acceptanceCriteria: [
    "Given a registered email, when I request a reset, then a single-use link arrives within a minute",
    "Given an expired link, when I open it, then I am asked to request a new one",
  ],
  securityRequirements: [
    "Links expire after 30 minutes and work once",
    "The answer does not reveal whether an email is registered",
  ],
  subtasks: [{ summary: "Reset token table and expiry job", estimate: "4h" }, { summary: "Reset email template" }],
  storyPoints: 5,
});

for (const [orgName, profile] of [
  ["demo", northwindProfile],
  ["second", secondOrgProfile],
] as const) {
  describe(`a drafted story on the ${orgName} organisation`, () => {
    const org = generateDemoOrg({ now: Date.parse(at), profile });
    let fakes: OrgFakes;
    beforeAll(async () => {
      fakes = await startOrgFakes(org, fixedClock(at));
    });
    afterAll(async () => {
      await fakes.close();
    });

    it("creates a Story, then sub-tasks whose parent is the story, in Jira Cloud's request shapes", async () => {
      const action = jiraStoryAction(fakes.ports.jira, { clock: fixedClock(at), labels: new EntityLabels() });
      const outcome = await action.execute(draft, { idempotencyKey: "appr-1" });
      expect(outcome.ok).toBe(true);
      const creates = fakes.jira.requests
        .filter((r) => r.method === "POST" && r.path === "/rest/api/3/issue")
        .map((r) => JSON.parse(r.body).fields as Record<string, unknown>);
      expect(creates.map((f) => (f.issuetype as { name: string }).name)).toEqual(["Story", "Subtask", "Subtask"]);
      expect(creates[0]?.customfield_10016).toBe(5);
      const storyKey = outcome.ref?.id;
      expect(storyKey).toMatch(new RegExp(`^${org.jira.projectKey}-\\d+$`));
      expect(creates.slice(1).map((f) => f.parent)).toEqual([{ key: storyKey }, { key: storyKey }]);
      expect(creates[1]?.timetracking).toEqual({ originalEstimate: "4h" });
      expect(outcome.summary.split("\n")).toHaveLength(3);
    });

    it("creates nothing more when the same approval runs again", async () => {
      const action = jiraStoryAction(fakes.ports.jira, { clock: fixedClock(at), labels: new EntityLabels() });
      const before = fakes.jira.requests.filter((r) => r.method === "POST" && r.path === "/rest/api/3/issue").length;
      const first = await action.execute(draft, { idempotencyKey: "appr-2" });
      const again = await action.execute(draft, { idempotencyKey: "appr-2" });
      const after = fakes.jira.requests.filter((r) => r.method === "POST" && r.path === "/rest/api/3/issue").length;
      expect(after - before).toBe(3);
      expect(again.ref?.id).toBe(first.ref?.id);
    });

    it("reports a failed sub-task step by step and keeps the ones that were created", async () => {
      const failing: JiraPort = {
        ...fakes.ports.jira,
        createSubtask: async (parent, input, options) => {
          if (input.summary.startsWith("Reset email")) {
            throw new DaybookError("bad_request", "refused", {
              userMessage: "Jira did not create the issue: parent: refused",
            });
          }
          return fakes.ports.jira.createSubtask(parent, input, options);
        },
      };
      const outcome = await jiraStoryAction(failing, { clock: fixedClock(at), labels: new EntityLabels() }).execute(
        draft,
        {
          idempotencyKey: "appr-3",
        },
      );
      expect(outcome.ok).toBe(false);
      const lines = outcome.summary.split("\n");
      expect(lines[0]).toMatch(/^Step 1: created story /);
      expect(lines[1]).toMatch(/^Step 2: created sub-task .* "Reset token table and expiry job"/);
      expect(lines[2]).toBe(
        'Step 3: sub-task "Reset email template" failed: Jira did not create the issue: parent: refused',
      );
      expect(lines[3]).toBe("1 of 2 sub-task(s) failed; the others were created.");
    });

    it("retries only the failed sub-task through the approvals service, under the same story", async () => {
      let refuse = true;
      const flaky: JiraPort = {
        ...fakes.ports.jira,
        createSubtask: async (parent, input, options) => {
          if (refuse && input.summary.startsWith("Reset email")) {
            throw new DaybookError("upstream_error", "HTTP 503", { userMessage: "Jira did not answer" });
          }
          return fakes.ports.jira.createSubtask(parent, input, options);
        },
      };
      const clock = fixedClock(at);
      const users = [{ id: "eng", name: "Eng One", roles: ["engineering"], slack: "UENG" }];
      const org = orgSchema.parse({
        users,
        roles: { engineering: ["jira"] },
        approvals: { default: { roles: ["engineering"], allowSelfApproval: true } },
      });
      const approvals = new Approvals({
        store: new MemoryStore({ clock }),
        actions: [jiraStoryAction(flaky, { clock, labels: new EntityLabels() })],
        policies: org.approvals,
        principals: createPrincipalResolver(org),
        clock,
        logger: silentLogger,
      });
      const thread = { platform: "console" as const, workspace: "w", channel: "c", thread: "t" };
      const eng = { platform: "console" as const, id: "eng" };
      const requested = await approvals.requestApproval(
        {
          tool: "jira_create_story",
          args: draft,
          requester: createPrincipalResolver(org).resolve(eng),
          thread,
        },
        async () => ({ thread, messageId: "m1" }),
      );
      const creates = () =>
        fakes.jira.requests
          .filter((r) => r.method === "POST" && r.path === "/rest/api/3/issue")
          .map((r) => JSON.parse(r.body).fields as Record<string, unknown>);
      const before = creates().length;
      await approvals.decide(requested.id, eng, "approve");
      const failed = await approvals.get(requested.id);
      expect(failed?.outcome?.steps?.map((st) => st.status)).toEqual(["done", "done", "failed"]);
      refuse = false;
      const retried = await approvals.retryFailedSteps(requested.id, eng);
      expect(retried.kind).toBe("decided");
      const done = await approvals.get(requested.id);
      expect(done?.outcome?.ok).toBe(true);
      const made = creates().slice(before);
      expect(made.map((f) => f.summary)).toEqual([
        "Password reset via email",
        "Reset token table and expiry job",
        "Reset email template",
      ]);
      const storyKey = done?.outcome?.ref?.id;
      expect(made.slice(1).map((f) => f.parent)).toEqual([{ key: storyKey }, { key: storyKey }]);
    });

    it("links the demo port's sub-tasks to their story, once per approval", async () => {
      const demo = createDemoPorts({ clock: fixedClock(at), org: generateDemoOrg({ now: Date.parse(at), profile }) });
      const action = jiraStoryAction(demo.jira, { clock: fixedClock(at), labels: new EntityLabels() });
      const outcome = await action.execute(draft, { idempotencyKey: "appr-4" });
      await action.execute(draft, { idempotencyKey: "appr-4" });
      const children = (await demo.jira.searchIssues({ text: "Reset", limit: 25 })).items.filter(
        (i) => i.parent === outcome.ref?.id,
      );
      expect(children.map((c) => c.summary).sort()).toEqual([
        "Reset email template",
        "Reset token table and expiry job",
      ]);
    });
  });
}
