/**
 * More sessions by role: the issue 13 carry-over failures replayed in order (a new topic after a
 * list must start clean), more phrasings, and writes with assignee, priority and due date.
 */
import type { Deal } from "../../src/core/domain/crm.ts";
import type { OrgData } from "./data.ts";
import { anyOf, date, key, money, name, pattern, percent, saysNone, words } from "./facts.ts";
import { answer, at, first, refuse, type Session, short, t, write } from "./spec.ts";

const sum = (deals: Deal[]) => deals.reduce((a, x) => a + x.amount, 0);
const deal = (d: OrgData, i: number) => at(d.open, i, "open deal");
const blocked = (d: OrgData, i: number) => at(d.blocked, i, "blocked issue");
const risk = (d: OrgData, i: number) => at(d.atRisk, i, "at-risk customer");
const noPo = (d: OrgData) => at(d.withoutPo, 0, "bill without a purchase order");
const dup = (d: OrgData) => at(d.duplicates, 0, "duplicate bill");
const won = (d: OrgData) =>
  d.closed.filter((c) => c.outcome === "won" && d.now - Date.parse(c.closeDate) <= 30 * 86_400_000);
const open = (d: OrgData) => d.sprintIssues.filter((i) => i.statusCategory !== "done");
const person = (d: OrgData, i: number) =>
  at(
    [
      ...new Set(
        open(d)
          .map((x) => x.assignee)
          .filter((a): a is string => !!a),
      ),
    ],
    i,
    "person with open work",
  );
const issuesOf = (d: OrgData, who: string) => open(d).filter((i) => i.assignee === who);
const owner = (d: OrgData, i: number) =>
  at(
    [...d.byOwner.entries()].sort((a, b) => b[1].length - a[1].length),
    i,
    "deal owner",
  );
const cur = (d: OrgData) => (d.currency === "EUR" ? "€" : "$");

export const mixedSessions: Session[] = [
  {
    role: "CFO",
    title: "issue 13 carry-over, replayed",
    user: { demo: "alex", second: "clara" },
    turns: [
      t(
        "plain",
        (d) => `tell me about the ${short(deal(d, 3).company.name)} deal`,
        (d) => answer([money(deal(d, 3).amount)]),
      ),
      t(
        "topic switch",
        (d) => `what's ${first(blocked(d, 0).issue.assignee ?? "")} working on?`,
        (d) =>
          answer(
            issuesOf(d, blocked(d, 0).issue.assignee ?? "").map((i) => key(i.key)),
            [name(short(deal(d, 3).company.name))],
          ),
      ),
      t(
        "period",
        () => "what did we win in the last 30 days?",
        (d) => answer(won(d).map((c) => name(short(c.company.name)))),
      ),
      t(
        "topic switch",
        () => "what's our total pipeline?",
        (d) =>
          answer(
            [money(sum(d.open))],
            won(d)
              .slice(0, 2)
              .map((c) => name(short(c.company.name))),
          ),
      ),
      t(
        "plain",
        (d) => `show invoice ${noPo(d).number}`,
        (d) => answer([money(noPo(d).total)]),
      ),
      t(
        "topic switch",
        () => "any duplicate bills?",
        (d) => answer([key(dup(d)[0].number)], [key(noPo(d).number)]),
      ),
      t(
        "filter",
        (d) => `how much pipeline does ${first(owner(d, 1)[0])} have?`,
        (d) => answer([money(sum(owner(d, 1)[1]))]),
      ),
      t(
        "topic switch",
        () => "which customers might churn?",
        (d) =>
          answer(
            d.atRisk.slice(0, 2).map((c) => name(short(c.name))),
            [money(sum(owner(d, 1)[1]))],
          ),
      ),
      t(
        "follow-up",
        () => "who owns the first one?",
        (d) => answer([name(risk(d, 0).ownerName ?? "")]),
      ),
      t(
        "topic switch",
        () => "how far along is the sprint",
        (d) =>
          answer(
            [percent(d.donePct)],
            d.atRisk.slice(0, 1).map((c) => name(short(c.name))),
          ),
      ),
      t(
        "cannot do",
        () => "email the board the weekly summary",
        () => refuse("capability"),
      ),
      t(
        "cannot do",
        (d) => `draft a performance review for ${first(blocked(d, 0).issue.assignee ?? "")}`,
        (d) => refuse("capability", [key(blocked(d, 0).issue.key)]),
      ),
      t(
        "cannot do",
        (d) => `how much PTO does ${first(deal(d, 0).ownerName ?? "")} have left?`,
        (d) => refuse("capability", [name(short(deal(d, 0).company.name))]),
      ),
    ],
  },
  {
    role: "scrum master",
    title: "planning and tickets",
    user: { demo: "sarah", second: "jonas" },
    turns: [
      t(
        "casual",
        () => "quick q - who's blocked?",
        (d) => answer(d.blocked.map((b) => name(b.issue.assignee ?? ""))),
      ),
      t(
        "follow-up",
        () => "since when?",
        (d) => answer([pattern(`${blocked(d, 0).days} days`, new RegExp(`\\b${blocked(d, 0).days}\\s*(days?|d)\\b`))]),
      ),
      t(
        "filter",
        (d) => `show ${first(person(d, 1))}'s issues`,
        (d) =>
          answer(
            issuesOf(d, person(d, 1)).map((i) => key(i.key)),
            open(d)
              .filter((i) => i.assignee !== person(d, 1))
              .slice(0, 2)
              .map((i) => key(i.key)),
          ),
      ),
      t(
        "follow-up",
        () => "and the sprint goal?",
        (d) => answer([words(d.sprint.goal ?? "")]),
      ),
      t(
        "write",
        (d) => `create a task to renew the SSL certificate, assign it to ${first(person(d, 2))}, high priority`,
        (d) =>
          write(
            "jira_create_issue",
            [
              pattern("summary", /"summary":"[^"]*renew the SSL certificate/i),
              name(person(d, 2)),
              pattern("priority High", /"priority":"High"/),
            ],
            [pattern("assignment in the summary", /"summary":"[^"]*assign/i)],
          ),
      ),
      t(
        "write",
        (d) => `comment on ${blocked(d, 1).issue.key}: IT issued new keys`,
        (d) => write("jira_add_comment", [key(blocked(d, 1).issue.key), pattern("the comment", /IT issued new keys/i)]),
      ),
      t(
        "typo",
        () => "hows teh sprnit goign",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "casual",
        () => "r we gonna make it this sprint?",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "out of role",
        () => "how much pipeline do we have?",
        (d) => refuse("role", [money(sum(d.open))]),
      ),
      t(
        "out of role",
        () => "show unreconciled bank transactions",
        (d) =>
          refuse(
            "role",
            d.unreconciled.map((u) => money(u.amount)),
          ),
      ),
      t(
        "cannot do",
        () => "close the sprint",
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "account executive",
    title: "deals in other words",
    user: { demo: "sam", second: "emre" },
    turns: [
      t(
        "casual",
        (d) => `what's the latest on ${short(deal(d, 0).company.name)}`,
        (d) => answer([money(deal(d, 0).amount)]),
      ),
      t(
        "follow-up",
        () => "what stage is it in?",
        (d) => answer([name(deal(d, 0).stage)]),
      ),
      t(
        "follow-up",
        () => "and the close date?",
        (d) => answer([date(deal(d, 0).closeDate ?? "")]),
      ),
      t(
        "typo",
        (d) => `fnd ${short(deal(d, 2).company.name)}`,
        (d) => answer([name(short(deal(d, 2).company.name))]),
      ),
      t(
        "filter",
        (d) => `deals over ${cur(d)}200,000`,
        (d) =>
          answer(
            d.open.filter((x) => x.amount > 200_000).map((x) => name(short(x.company.name))),
            d.open
              .filter((x) => x.amount < 100_000)
              .slice(0, 2)
              .map((x) => name(short(x.company.name))),
          ),
      ),
      t(
        "period",
        () => "what did we lose in the last 30 days?",
        (d) => {
          const lost = d.closed.filter(
            (c) => c.outcome === "lost" && d.now - Date.parse(c.closeDate) <= 30 * 86_400_000,
          );
          return lost.length > 0 ? answer(lost.map((c) => name(short(c.company.name)))) : answer([saysNone]);
        },
      ),
      t(
        "write",
        (d) => `log a note on ${short(deal(d, 2).company.name)}: sent the security questionnaire`,
        (d) =>
          write(
            "crm_log_activity",
            [
              anyOf("the deal or its company", key(deal(d, 2).id), key(deal(d, 2).company.id)),
              pattern("the note", /sent the security questionnaire/i),
            ],
            [name("daybook")],
          ),
      ),
      t(
        "out of role",
        (d) => `show ${blocked(d, 0).issue.key}`,
        (d) => refuse("role", [words(blocked(d, 0).issue.summary)]),
      ),
      t(
        "cannot do",
        (d) => `what's ${short(deal(d, 0).company.name)}'s stock price?`,
        () => refuse("capability"),
      ),
      t(
        "plain",
        () => "export my pipeline to a spreadsheet",
        () => answer([pattern("the open deals as a CSV file", /open deals/)]),
      ),
    ],
  },
  {
    role: "CSM",
    title: "a customer check-in",
    user: { demo: "priya", second: "ines" },
    turns: [
      t(
        "plain",
        (d) => `is ${short(risk(d, 0).name)} ok?`,
        (d) => answer([usage(risk(d, 0))]),
      ),
      t(
        "follow-up",
        () => "what should I do?",
        (d) => answer([name(short(risk(d, 0).name))]),
      ),
      t(
        "follow-up",
        () => "who's the contact there?",
        (d) => answer([name(short(risk(d, 0).name))]),
      ),
      t(
        "topic switch",
        () => "which customers might churn?",
        (d) => answer(d.atRisk.map((c) => name(short(c.name)))),
      ),
      t(
        "follow-up",
        () => "and the second one?",
        (d) => answer([name(short(risk(d, 1).name))]),
      ),
      t(
        "follow-up",
        () => "why?",
        (d) => answer([usage(risk(d, 1))]),
      ),
      t(
        "typo",
        () => "wich custmers mite churn",
        (d) => answer(d.atRisk.slice(0, 2).map((c) => name(short(c.name)))),
      ),
      t(
        "out of role",
        (d) => `reject invoice ${dup(d)[0].number}`,
        () => refuse("role"),
      ),
      t(
        "cannot do",
        (d) => `send ${short(risk(d, 0).name)} a renewal quote`,
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "controller",
    title: "bills and the bank, asked loosely",
    user: { demo: "fiona", second: "greta" },
    turns: [
      t(
        "casual",
        () => "what's still open for month end",
        (d) => answer([key(noPo(d).number), key(dup(d)[0].number)]),
      ),
      t(
        "follow-up",
        () => "and the bank side?",
        (d) => answer(d.unreconciled.map((u) => money(u.amount))),
      ),
      t(
        "follow-up",
        () => "which unreconciled line is the biggest?",
        (d) =>
          answer([
            money(
              at(
                [...d.unreconciled].sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount)),
                0,
                "unreconciled line",
              ).amount,
            ),
          ]),
      ),
      t(
        "filter",
        () => "bills awaiting approval without a PO",
        (d) =>
          answer(
            d.withoutPo.map((b) => key(b.number)),
            [key(dup(d)[0].number)],
          ),
      ),
      t(
        "typo",
        (d) => `shwo invoce ${noPo(d).number}`,
        (d) => answer([money(noPo(d).total)]),
      ),
      t(
        "period",
        (d) =>
          `P&L for ${new Date(`${d.lastMonth}-15T00:00:00Z`).toLocaleString("en-US", { month: "long", timeZone: "UTC" })}`,
        (d) => answer([money(d.lastMonthIncome)]),
      ),
      t(
        "follow-up",
        () => "and the net?",
        (d) => answer([money(d.lastMonthNet)]),
      ),
      t(
        "write",
        (d) => `reject invoice ${noPo(d).number}: no purchase order`,
        (d) =>
          write("accounting_reject_invoice", [
            pattern("the invoice", new RegExp(`${noPo(d).number}|${noPo(d).id}`)),
            pattern("the reason", /purchase order/i),
          ]),
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
        () => "file our VAT return",
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "engineer",
    title: "quick lookups between tasks",
    user: { demo: "david", second: "jonas" },
    turns: [
      t(
        "casual",
        () => "whats the sprint status",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "follow-up",
        () => "and what's blocked?",
        (d) => answer(d.blocked.map((b) => key(b.issue.key))),
      ),
      t(
        "follow-up",
        () => "why is the second one blocked?",
        (d) => answer([words(blocked(d, 1).reason)]),
      ),
      t(
        "filter",
        (d) => `issues assigned to ${person(d, 0)}`,
        (d) => answer(issuesOf(d, person(d, 0)).map((i) => key(i.key))),
      ),
      t(
        "write",
        () => "create a ticket: flaky test in checkout, assign it to me",
        (d) =>
          write(
            "jira_create_issue",
            [
              pattern("summary", /"summary":"[^"]*flaky test in checkout/i),
              name(d.people.find((p) => p.id === (d.org === "demo" ? "david" : "jonas"))?.name ?? ""),
            ],
            [pattern("assignment in the summary", /"summary":"[^"]*assign/i)],
          ),
      ),
      t(
        "out of role",
        () => "which deals close this month?",
        (d) =>
          refuse(
            "role",
            d.closingThisMonth.slice(0, 2).map((x) => name(short(x.company.name))),
          ),
      ),
      t(
        "cannot do",
        () => "restart the staging server",
        () => refuse("capability"),
      ),
    ],
  },
];

function usage(c: { usageChange: number }) {
  return percent(Math.abs(c.usageChange * 100));
}
