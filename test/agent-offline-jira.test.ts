/**
 * Jira questions the offline model answers precisely (issue 13, item 4), on the demo and the
 * second organisation, each asked as that organisation's own engineer: one person's open
 * sprint work, their own blockers, issues in one state or of one type, what is ready for review
 * and who owns it, when the sprint ends and its goal. Expectations come from the org's data.
 */
import { describe, expect, it } from "vitest";
import { loadOrgData } from "./eval/data.ts";
import { createWorld, type OrgName } from "./eval/world.ts";

const engineer = { demo: "david", second: "jonas" } as const;
const at = "2026-11-23T09:00:00Z";

for (const org of ["demo", "second"] as OrgName[]) {
  describe(`Jira questions on the ${org} organisation`, () => {
    async function setup() {
      const world = await createWorld(org, at);
      const data = await loadOrgData(world);
      const user = engineer[org];
      const me = data.people.find((p) => p.id === user)?.name ?? "?";
      let n = 0;
      const thread = `jira-${Math.random().toString(36).slice(2)}`;
      const ask = async (q: string) => (await world.say(user, `${thread}-${n}`, q)).text;
      const chat = async (...qs: string[]) => {
        n++;
        const replies: string[] = [];
        for (const q of qs) replies.push((await world.say(user, `${thread}-${n}`, q)).text);
        return replies;
      };
      const open = data.sprintIssues.filter((i) => i.statusCategory !== "done");
      return { data, me, ask, chat, open };
    }

    it("answers 'what's on my plate?' with the asker's open sprint issues and nobody else's", async () => {
      const { me, ask, open } = await setup();
      const mine = open.filter((i) => i.assignee === me);
      const others = open.filter((i) => i.assignee && i.assignee !== me);
      expect(mine.length).toBeGreaterThan(0);

      const reply = await ask("what's on my plate?");

      for (const i of mine) expect(reply).toContain(i.key);
      for (const i of others) expect(reply).not.toContain(i.key);
    });

    it("answers 'am i blocked on anything?' with the asker's own blockers only, or says there are none", async () => {
      const { data, me, ask } = await setup();
      const mine = data.blocked.filter((b) => b.issue.assignee === me);

      const reply = await ask("am i blocked on anything?");

      if (mine.length === 0) expect(reply).toMatch(/no blockers/i);
      for (const b of mine) expect(reply).toContain(b.issue.key);
      for (const b of data.blocked.filter((x) => x.issue.assignee !== me)) expect(reply).not.toContain(b.issue.key);
    });

    it("lists the sprint's in-progress issues for 'show in progress issues in the sprint'", async () => {
      const { data, ask } = await setup();
      const working = data.sprintIssues.filter((i) => i.statusCategory === "in_progress");

      const reply = await ask("show in progress issues in the sprint");

      for (const i of working.slice(0, 7)) expect(reply).toContain(i.key);
      for (const i of data.sprintIssues.filter((x) => x.statusCategory === "done")) expect(reply).not.toContain(i.key);
    });

    it("says there are no open bugs in the sprint rather than listing done ones or the sprint summary", async () => {
      const { data, ask } = await setup();
      const bugs = data.sprintIssues.filter((i) => i.type === "Bug" && i.statusCategory !== "done");

      const reply = await ask("any bugs in the sprint?");

      if (bugs.length === 0) expect(reply).toMatch(/^No issues match/);
      for (const i of bugs) expect(reply).toContain(i.key);
      expect(reply).not.toMatch(/% done/);
    });

    it("lists a named person's issues for '<Person>'s tickets', not the sprint's blockers", async () => {
      const { data, me, ask } = await setup();
      const first = me.split(" ")[0] ?? me;
      const theirs = data.sprintIssues.filter((i) => i.assignee === me);

      const reply = await ask(`show me ${first}'s tickets`);

      expect(reply).toMatch(/issues? match/);
      for (const i of theirs.slice(0, 3)) expect(reply).toContain(i.key);
      expect(reply).not.toMatch(/blocking/);
    });

    it("answers 'who owns it?' after 'what's ready for review?' with the owner of the issue shown", async () => {
      const { data, chat } = await setup();
      const ready = data.sprintIssues.filter((i) => /review/i.test(i.status));
      expect(ready.length).toBe(1);

      const [list, owner] = await chat("what's ready for review?", "who owns it?");

      expect(list).toContain(ready[0]?.key);
      expect(list).not.toMatch(/Blocked \(|At risk/);
      expect(owner).toContain(ready[0]?.assignee);
    });

    it("answers 'when does it end?' after the sprint's status with its end date, and 'sprint goal?' with the goal", async () => {
      const { data, chat } = await setup();

      const [, end, goal] = await chat("how is the sprint going?", "when does it end?", "sprint goal?");

      expect(end).toContain(data.sprint.endDate?.slice(0, 10));
      expect(goal).toContain(data.sprint.goal);
    });
  });
}
