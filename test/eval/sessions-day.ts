/**
 * Sessions for the rest of the working day (issue 16): a customer success manager's renewals,
 * call prep and renewal email, and a scrum master's retro, Monday kickoff and mid-week check-in.
 * Every expectation is read from the organisation's data (data.ts), never from the tools.
 */
import type { OrgData } from "./data.ts";
import { count, date, money, name, pattern, percent } from "./facts.ts";
import { answer, at, type Session, short, t, write } from "./spec.ts";

const csm = { demo: "priya", second: "ines" };
const scrum = { demo: "maria", second: "jonas" };

/** The at-risk customer renewing soonest: the account a CSM preps for. */
const renewingAtRisk = (d: OrgData) =>
  at(
    d.renewals.filter((r) => d.atRisk.some((c) => c.id === r.customer.id)),
    0,
    "at-risk renewal",
  );

export const daySessions: Session[] = [
  {
    role: "CSM",
    title: "renewals and call prep",
    user: csm,
    turns: [
      t(
        "period",
        () => "which accounts renew next month?",
        (d) =>
          answer([
            count(d.renewingNextMonth.length),
            ...d.renewingNextMonth.slice(0, 3).map((r) => name(r.customer.name)),
          ]),
      ),
      t(
        "period",
        () => "what renews in the next 30 days?",
        (d) => {
          const soon = d.renewals.filter((r) => r.daysLeft <= 30);
          return answer([count(soon.length), ...soon.slice(0, 3).map((r) => date(r.date))]);
        },
      ),
      t(
        "plain",
        (d) => `prep me for my call with ${short(renewingAtRisk(d).customer.name)}`,
        (d) => {
          const r = renewingAtRisk(d);
          return answer([
            name(r.customer.ownerName ?? ""),
            money(r.customer.arr),
            date(r.date),
            count(r.daysLeft, "days"),
            percent(Math.abs(r.customer.usageChange * 100)),
            pattern("an approach", /approach/i),
          ]);
        },
      ),
      t(
        "casual",
        (d) => `brief me before the ${short(renewingAtRisk(d).customer.name)} call`,
        (d) => answer([name(renewingAtRisk(d).customer.name), pattern("talking points", /talking points/i)]),
      ),
      t(
        "write",
        (d) => `draft the renewal email for ${short(renewingAtRisk(d).customer.name)}`,
        (d) =>
          answer([
            date(renewingAtRisk(d).date),
            pattern("a subject line", /subject:/i),
            pattern("not sent", /not sent/i),
          ]),
      ),
      t(
        ["write", "follow-up"],
        () => "log it",
        (d) =>
          write("crm_log_activity", [
            pattern("the company", new RegExp(`"id":"${renewingAtRisk(d).customer.id}"`)),
            pattern("the draft", /Renewal email drafted/),
          ]),
      ),
    ],
  },
  {
    role: "scrum master",
    title: "retro, kickoff and check-in",
    user: scrum,
    turns: [
      t(
        "plain",
        () => "sprint retro",
        (d) =>
          answer([
            ...d.velocity.map((v) =>
              pattern(`${v.sprint} ${v.points} points`, new RegExp(`${v.sprint}\\D+${v.points} points`)),
            ),
            count(d.carryOver.issues, "open"),
          ]),
      ),
      t(
        "casual",
        () => "what's our velocity?",
        (d) =>
          answer(
            d.velocity.map((v) => pattern(`${v.sprint} ${v.points}`, new RegExp(`${v.sprint}\\D+${v.points}\\b`))),
          ),
      ),
      t(
        "plain",
        () => "what carries over to the next sprint?",
        (d) => answer([count(d.carryOver.issues, "open"), count(d.carryOver.points, "points")]),
      ),
      t(
        "period",
        () => "Monday kickoff",
        (d) => answer([count(d.lastWeekDone.issues, "issues?"), count(d.lastWeekDone.points, "points")]),
      ),
      t(
        "period",
        () => "mid-week check-in",
        (d) => answer([percent(d.donePct)]),
      ),
    ],
  },
];
