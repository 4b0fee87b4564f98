/**
 * Sessions for the rest of the working day (issue 16): a customer success manager's renewals,
 * call prep and renewal email, and a scrum master's retro, Monday kickoff and mid-week check-in.
 * Every expectation is read from the organisation's data (data.ts), never from the tools.
 */
import type { OrgData } from "./data.ts";
import { count, date, money, name, pattern, percent } from "./facts.ts";
import { answer, at, refuse, type Session, short, t, write } from "./spec.ts";

const csm = { demo: "priya", second: "ines" };
const scrum = { demo: "maria", second: "jonas" };

/** The at-risk customer renewing soonest: the account a CSM preps for. */
const renewingAtRisk = (d: OrgData) =>
  at(
    d.renewals.filter((r) => d.atRisk.some((c) => c.id === r.customer.id)),
    0,
    "at-risk renewal",
  );

/** The org config's price list; a proposal turn needs one. */
const prices = (d: OrgData) => {
  if (!d.priceList) throw new Error("the organisation's config has no sales.priceList");
  return d.priceList;
};

export const daySessions: Session[] = [
  {
    role: "account executive",
    title: "proposal and demo prep",
    user: { demo: "alex", second: "clara" },
    turns: [
      t(
        "plain",
        (d) => `proposal for ${d.hotCompany}, 500 users, annual`,
        (d) => {
          const p = prices(d);
          const annual = 500 * p.unitPrice * 12;
          return answer([
            name(d.hotCompany),
            money(500 * p.unitPrice),
            money(annual),
            percent(p.annualDiscount * 100),
            money(annual * (1 - p.annualDiscount)),
            // The files follow the answer; where a platform carries none, their text does, titled "(PDF)".
            pattern("the PDF", /\.pdf\b|\(PDF\)/),
          ]);
        },
      ),
      t(
        "casual",
        (d) => `quote ${short(d.hotCompany)} for 120 seats, monthly`,
        (d) => {
          const p = prices(d);
          return answer(
            [count(120, "users"), money(120 * p.unitPrice), money(120 * p.unitPrice * 12)],
            [money(120 * p.unitPrice * 12 * (1 - p.annualDiscount))],
          );
        },
      ),
      t(
        "typo",
        (d) => `proposl for ${d.hotCompany}, 200 users, anual`,
        (d) => {
          const p = prices(d);
          return answer([money(200 * p.unitPrice * 12 * (1 - p.annualDiscount))]);
        },
      ),
      t(
        "filter",
        (d) => `proposal for ${d.hotCompany}, ${prices(d).minUsers - 1} users`,
        (d) => answer([pattern("the minimum", new RegExp(`at least ${prices(d).minUsers} users`))]),
      ),
      t(
        "cannot do",
        (d) => `send the proposal to ${short(d.hotCompany)}`,
        () => refuse("capability"),
      ),
      t(
        "plain",
        (d) => `prep me for the ${short(d.demoDeal.company)} demo`,
        (d) =>
          answer([
            ...d.demoDeal.discovery.painPoints.map((pain) => name(pain)),
            ...d.demoDeal.discovery.competitors.map((c) => name(c)),
            ...d.demoDeal.discovery.stakeholders.map((s) => name(s.name)),
            pattern("where each came from", /\ba-\d+, \d{4}-\d{2}-\d{2}\b/),
          ]),
      ),
    ],
  },
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
  {
    // The quarterly business review on demand (issue 16, item 6): the last full quarter's
    // revenue against the quarter before and a year before, pipeline and wins, from the data.
    role: "CFO",
    title: "the quarterly business review",
    user: { demo: "alex", second: "clara" },
    turns: [
      t(
        "plain",
        () => "QBR briefing",
        (d) =>
          answer([
            name(d.lastQuarter.label),
            money(d.lastQuarter.revenue),
            money(d.pipeline),
            count(d.lastQuarter.won, "deals won"),
            money(d.lastQuarter.wonAmount),
          ]),
      ),
      t(
        "casual",
        () => "prep the QBR",
        (d) => answer([money(d.lastQuarter.revenue), money(d.lastQuarter.previous), money(d.lastQuarter.yearAgo)]),
      ),
      t(
        "typo",
        () => "qbr breifing pls",
        (d) => answer([name(d.lastQuarter.label), money(d.lastQuarter.revenue)]),
      ),
      t(
        "topic switch",
        () => "what was revenue this quarter?",
        (d) => answer([money(d.quarterRevenue)], [money(d.lastQuarter.revenue)]),
      ),
      t(
        "plain",
        () => "quarterly business review",
        (d) => answer([money(d.lastQuarter.previous), money(d.pipeline)]),
      ),
    ],
  },
];
