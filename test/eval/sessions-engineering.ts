/** Sessions of the scrum master and an engineer: the sprint, blockers, issues, tickets. */
import type { OrgData } from "./data.ts";
import { date, key, money, name, pattern, percent, saysNone, words } from "./facts.ts";
import { answer, at, first, refuse, type Session, short, t, write } from "./spec.ts";

const open = (d: OrgData) => d.sprintIssues.filter((i) => i.statusCategory !== "done");
const inReview = (d: OrgData) => d.sprintIssues.filter((i) => /review/i.test(i.status));
const atRisk = (d: OrgData) =>
  open(d).filter(
    (i) =>
      (i.dueDate !== undefined && Date.parse(i.dueDate) < d.now) ||
      (i.statusCategory === "todo" && !/review/i.test(i.status) && i.blockedBy.length === 0),
  );
const longest = (d: OrgData) => at(d.blocked, 0, "blocked issue");
const second = (d: OrgData) => at(d.blocked, 1, "blocked issue");
const userName = (d: OrgData, id: { demo: string; second: string }) =>
  d.people.find((p) => p.id === id[d.org])?.name ?? id[d.org];
const mine = (d: OrgData, id: { demo: string; second: string }) =>
  open(d).filter((i) => i.assignee === userName(d, id));
/** Someone other than `id` with open sprint work. */
const colleague = (d: OrgData, id: { demo: string; second: string }) =>
  at(
    open(d).filter((i) => i.assignee && i.assignee !== userName(d, id)),
    0,
    "colleague's open issue",
  );
/** The issue blocked by credentials (the deploy), else the most recently blocked one. */
const credentials = (d: OrgData) => d.blocked.find((b) => /credential/i.test(b.reason)) ?? second(d);
const topDeal = (d: OrgData) =>
  at(
    [...d.open].sort((a, b) => b.amount - a.amount),
    0,
    "open deal",
  );

const scrumMaster = { demo: "sarah", second: "jonas" };
const engineer = { demo: "david", second: "jonas" };

export const engineeringSessions: Session[] = [
  {
    role: "scrum master",
    title: "standup: blockers and follow-ups",
    user: scrumMaster,
    turns: [
      t(
        "plain",
        () => "what's blocking the sprint?",
        (d) => answer(d.blocked.map((b) => key(b.issue.key))),
      ),
      t(
        "follow-up",
        () => "who's been blocked the longest?",
        (d) =>
          answer([
            key(longest(d).issue.key),
            name(first(longest(d).issue.assignee ?? "")),
            pattern(`${longest(d).days} days`, new RegExp(`\\b${longest(d).days}\\s*(days?|d)\\b`)),
          ]),
      ),
      t(
        "follow-up",
        () => "why?",
        (d) => answer([words(longest(d).reason)]),
      ),
      t(
        "follow-up",
        () => "and the second one?",
        (d) => answer([key(second(d).issue.key), words(second(d).reason)]),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer([name(second(d).issue.assignee ?? "")]),
      ),
      t(
        "topic switch",
        () => "how far along is the sprint",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "typo",
        () => "whats redy for reveiw?",
        (d) => answer(inReview(d).map((i) => key(i.key))),
      ),
      t(
        "casual",
        () => "anything stuck?",
        (d) => answer(d.blocked.map((b) => key(b.issue.key))),
      ),
      t(
        ["write", "follow-up"],
        (d) => `create a ticket to rotate AWS creds and assign it to ${first(credentials(d).issue.assignee ?? "")}`,
        (d) =>
          write(
            "jira_create_issue",
            [
              pattern("summary about rotating AWS credentials", /"summary":"[^"]*rotate[^"]*AWS[^"]*cred/i),
              name(credentials(d).issue.assignee ?? ""),
            ],
            [pattern("the assignment in the summary", /"summary":"[^"]*assign/i)],
          ),
      ),
      t(
        "out of role",
        () => "which deals need me today?",
        (d) => refuse("role", [name(short(topDeal(d).company.name))]),
      ),
      t(
        "plain",
        (d) => `remind me about ${longest(d).issue.key} tomorrow`,
        (d) =>
          answer([key(longest(d).issue.key), pattern("a reminder at 09:00 tomorrow", /remind you about .+ at 09:00/)]),
      ),
      t(
        "plain",
        () => "which stories are at risk?",
        (d) => answer(atRisk(d).map((i) => key(i.key))),
      ),
      t(
        "follow-up",
        () => "why?",
        (d) =>
          answer(
            atRisk(d)
              .slice(0, 1)
              .map((i) => key(i.key)),
          ),
      ),
    ],
  },
  {
    role: "scrum master",
    title: "people and issues, with topic switches",
    user: scrumMaster,
    turns: [
      t(
        "filter",
        (d) => `what is ${first(colleague(d, scrumMaster).assignee ?? "")} working on?`,
        (d) => {
          const who = colleague(d, scrumMaster).assignee;
          return answer(
            open(d)
              .filter((i) => i.assignee === who)
              .map((i) => key(i.key)),
            open(d)
              .filter((i) => i.assignee !== who)
              .slice(0, 3)
              .map((i) => key(i.key)),
          );
        },
      ),
      t(
        "follow-up",
        (d) => `show ${colleague(d, scrumMaster).key}`,
        (d) => answer([words(colleague(d, scrumMaster).summary), name(colleague(d, scrumMaster).status)]),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer([name(colleague(d, scrumMaster).assignee ?? "")]),
      ),
      t(
        "topic switch",
        () => "how is the sprint going?",
        (d) => answer([percent(d.donePct), name(d.sprint.name)]),
      ),
      t(
        "follow-up",
        () => "when does it end?",
        (d) => answer([date(d.sprint.endDate ?? "")]),
      ),
      t(
        "casual",
        () => "sprint goal?",
        (d) => answer([words(d.sprint.goal ?? "")]),
      ),
      t(
        "typo",
        () => "waht's blokcing the sprnt",
        (d) => answer(d.blocked.map((b) => key(b.issue.key))),
      ),
      t(
        "filter",
        () => "show in progress issues in the sprint",
        (d) =>
          answer(
            d.sprintIssues
              .filter((i) => i.statusCategory === "in_progress" && !/review|block/i.test(i.status))
              .map((i) => key(i.key)),
          ),
      ),
      t(
        "period",
        () => "what changed since yesterday?",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "write",
        (d) => `comment on ${longest(d).issue.key}: chased the Backend team again`,
        (d) =>
          write("jira_add_comment", [
            key(longest(d).issue.key),
            pattern("the comment", /chased the Backend team again/i),
          ]),
      ),
      t(
        "out of role",
        () => "show the P&L for last month",
        (d) => refuse("role", [money(d.lastMonthIncome)]),
      ),
      t(
        "cannot do",
        () => "export the sprint report to CSV",
        () => refuse("capability"),
      ),
      t(
        "cannot do",
        (d) => `move ${longest(d).issue.key} to Done`,
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "engineer",
    title: "my work",
    user: engineer,
    turns: [
      t(
        "plain",
        () => "what's on my plate?",
        (d) =>
          answer(
            mine(d, engineer).map((i) => key(i.key)),
            [key(colleague(d, engineer).key)],
          ),
      ),
      t(
        "follow-up",
        (d) => `show ${at(mine(d, engineer), 0, "own issue").key}`,
        (d) => answer([words(at(mine(d, engineer), 0, "own issue").summary)]),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer([name(userName(d, engineer))]),
      ),
      t(
        "casual",
        () => "am i blocked on anything?",
        (d) => {
          const blocked = d.blocked.filter((b) => b.issue.assignee === userName(d, engineer));
          return blocked.length > 0 ? answer(blocked.map((b) => key(b.issue.key))) : answer([saysNone]);
        },
      ),
      t(
        "topic switch",
        () => "what's blocking the sprint?",
        (d) => answer(d.blocked.map((b) => key(b.issue.key))),
      ),
      t(
        "follow-up",
        () => "who's been blocked the longest?",
        (d) => answer([key(longest(d).issue.key)]),
      ),
      t(
        "follow-up",
        () => "and the second one?",
        (d) => answer([key(second(d).issue.key)]),
      ),
      t(
        "typo",
        () => "hwo far along is teh sprint",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "filter",
        () => "any bugs in the sprint?",
        (d) => {
          const bugs = d.sprintIssues.filter((i) => i.type === "Bug" && i.statusCategory !== "done");
          return bugs.length > 0 ? answer(bugs.map((i) => key(i.key))) : answer([saysNone]);
        },
      ),
      t(
        "write",
        () => "create a bug: login page times out on Safari, high priority",
        () =>
          write("jira_create_issue", [
            pattern("summary", /"summary":"[^"]*login page times out on safari/i),
            pattern("type Bug", /"type":"Bug"/),
            pattern("priority High", /"priority":"High"/),
          ]),
      ),
      t(
        "out of role",
        (d) => `what's the ARR of ${short(at(d.atRisk, 0, "at-risk customer").name)}?`,
        (d) => refuse("role", [money(at(d.atRisk, 0, "at-risk customer").arr)]),
      ),
      t(
        "out of role",
        () => "show me bills awaiting approval",
        (d) =>
          refuse(
            "role",
            d.awaitingApproval.slice(0, 2).map((b) => key(b.number)),
          ),
      ),
      t(
        "cannot do",
        () => "deploy release 2.4 to production",
        () => refuse("capability"),
      ),
      t(
        "cannot do",
        () => "set up a standup reminder at 9 every day",
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "engineer",
    title: "issue lookups",
    user: engineer,
    turns: [
      t(
        "plain",
        (d) => `show ${second(d).issue.key}`,
        (d) => answer([words(second(d).issue.summary), name(second(d).issue.assignee ?? "")]),
      ),
      t(
        "follow-up",
        () => "why is it blocked?",
        (d) => answer([words(second(d).reason)]),
      ),
      t(
        "topic switch",
        () => "what's ready for review?",
        (d) => answer(inReview(d).map((i) => key(i.key))),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer(inReview(d).map((i) => name(i.assignee ?? ""))),
      ),
      t(
        "casual",
        () => "how's the sprint looking lol",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "typo",
        (d) => `shwo ${longest(d).issue.key.toLowerCase()}`,
        (d) => answer([key(longest(d).issue.key), words(longest(d).issue.summary)]),
      ),
      t(
        "out of role",
        () => "which customers might churn?",
        (d) =>
          refuse(
            "role",
            d.atRisk.slice(0, 2).map((c) => name(short(c.name))),
          ),
      ),
      t(
        "cannot do",
        () => "what's the weather in Berlin?",
        () => refuse("capability"),
      ),
    ],
  },
];
