/**
 * Jira questions whose words name one answer (issue 13, item 4): one person's open sprint work
 * ("what's on my plate?"), their own blockers ("am I blocked on anything?"), the issues in one
 * state or of one type ("in progress issues in the sprint", "any bugs in the sprint?"), what is
 * ready for review, and when the sprint ends. Each narrows a bound tool's own result; nothing
 * is added that the tool did not return.
 */
import type { Intent, Obj } from "./intent.ts";

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : [];
}

const me = /\b(i|me|my|mine|i'm|im)\b/i;
const myWork =
  /\b(on my plate|my (open |current )?(issues|tickets|work|tasks|stories)|assigned to me|(what )?am i (working on|doing)|what should i (work on|pick up))\b/i;
const blockedMe = /\b(am i|are we|i'm|im) (blocked|stuck)\b|\bblocking me\b|\bmy blockers?\b/i;
const inProgress = /\b(in[- ]progress|in flight|being worked on)\b/i;
const bugs = /\bbugs?\b/i;
const review = /\b(ready for review|in review|awaiting review|waiting for review|needs? (a )?review|to review)\b/i;
const sprintEnd =
  /\bwhen (does|will) (it|the sprint) (end|finish|wrap up)\b|\b(sprint('s)? end( date)?|end of the sprint|sprint ends?)\b|\bhow (many|much) (days|time) (are )?left\b/i;

const sameName = (a: unknown, b: string | undefined) =>
  typeof a === "string" && b !== undefined && a.toLowerCase() === b.toLowerCase();

export const jiraIntents: Intent[] = [
  {
    name: "my-blockers",
    test: (q) => blockedMe.test(q),
    tool: "jira_blockers",
    focus: (v, turn) => ({
      ...v,
      blockers: objs(v.blockers).filter((b) => sameName(b.owner, turn?.requester)),
      atRisk: objs(v.atRisk).filter((r) => sameName(r.assignee, turn?.requester)),
    }),
    finish: (text, v) =>
      objs(v.blockers).length === 0
        ? `You have no blockers in ${typeof v.sprint === "string" ? `**${v.sprint}**` : "the sprint"}.`
        : text,
  },
  {
    name: "my-work",
    test: (q) => myWork.test(q),
    tool: "jira_search_issues",
    args: (_q, turn) => (turn?.requester ? { assignee: turn.requester, inActiveSprint: true, open: true } : {}),
  },
  {
    name: "person-issues",
    // "<Person>'s tickets": the assignee filter (filled from the person named), not the blockers.
    test: (q) => /\p{Lu}[\p{L}-]+['’]s\s+(open\s+)?(tickets|issues|work|tasks|stories)\b/u.test(q),
    tool: "jira_search_issues",
  },
  {
    name: "issues-in-progress",
    test: (q) => inProgress.test(q) && !me.test(q),
    tool: "jira_search_issues",
    args: (q) => ({ statusCategory: "in_progress", ...(/\bsprint\b/i.test(q) ? { inActiveSprint: true } : {}) }),
  },
  {
    name: "bugs",
    // "any bugs open?", "open bugs" are reads; "open a bug", "file a bug" ask for a new one.
    test: (q) => bugs.test(q) && !/\b(create|file|raise|log)\b|\bopen (a|an|new)\b/i.test(q),
    tool: "jira_search_issues",
    // "any bugs?" asks what is still open; "what bugs did we fix?" what is done.
    args: (q) => ({
      type: "Bug",
      ...(/\b(fix(ed)?|closed|done|resolved|shipped|squashed)\b/i.test(q)
        ? { statusCategory: "done" }
        : { open: true }),
      ...(/\bsprint\b/i.test(q) ? { inActiveSprint: true } : {}),
    }),
  },
  {
    name: "ready-for-review",
    test: (q) => review.test(q),
    tool: "jira_sprint_status",
    focus: (v) => ({ ...v, blockers: [], atRisk: [] }),
    refersToNarrowed: true,
    finish: (text, v) => {
      const ready = objs(v.readyForReview);
      const sprint =
        typeof (v.sprint as Obj | undefined)?.name === "string" ? `**${(v.sprint as Obj).name}**` : "the sprint";
      if (ready.length === 0) return `Nothing in ${sprint} is ready for review.`;
      const list = text.split("\n").filter((l) => /^- /.test(l));
      return [
        `${ready.length === 1 ? "1 issue is" : `${ready.length} issues are`} ready for review in ${sprint}:`,
        ...list,
      ].join("\n");
    },
  },
  {
    name: "sprint-goal",
    test: (q) => /\b(sprint('s)? goal|goal of the sprint|sprint aims?)\b/i.test(q),
    tool: "jira_sprint_status",
    finish: (text, v) => {
      const sprint = v.sprint as Obj | undefined;
      return typeof sprint?.goal === "string"
        ? `The goal of **${String(sprint.name ?? "the sprint")}**: _${sprint.goal}_`
        : (text.split("\n\n")[0] ?? text);
    },
  },
  {
    name: "sprint-end",
    test: (q) => sprintEnd.test(q),
    tool: "jira_sprint_status",
    finish: (text, v) => {
      const sprint = v.sprint as Obj | undefined;
      if (typeof sprint?.end !== "string") return text;
      const left =
        typeof sprint.daysLeft === "number" ? ` (${sprint.daysLeft} day${sprint.daysLeft === 1 ? "" : "s"} left)` : "";
      return `**${String(sprint.name ?? "The sprint")}** ends ${sprint.end}${left}.`;
    },
  },
];
