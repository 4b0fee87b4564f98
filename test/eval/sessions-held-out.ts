/**
 * Phrasings found by asking as a new user would, outside the other sessions' wording (issue 13,
 * item 2): "how do we win <deal>?" is that deal's state and next step, not the deals already
 * won; a list that comes back empty still states its zero in the organisation's currency.
 */

import { calendarWeek } from "../../src/core/period.ts";
import type { OrgData } from "./data.ts";
import { anyOf, count, date, type Fact, key, money, name, pattern, saysNone, words } from "./facts.ts";
import { answer, at, type Session, short, t } from "./spec.ts";

const ae = { demo: "sam", second: "emre" };
const deal = (d: OrgData, i: number) => at(d.open, i, "open deal");
/** A deal won or lost lately: naming it would mean the question was read as "what did we win?". */
const closed = (d: OrgData) => at(d.closed, 0, "closed deal");
const dealFacts = (d: OrgData, i: number): Fact[] => {
  const x = deal(d, i);
  return [name(short(x.company.name)), money(x.amount), name(x.stage), ...(x.closeDate ? [date(x.closeDate)] : [])];
};

const signs: Record<string, string> = { USD: "$", EUR: "€", GBP: "£" };
/** Money written in the organisation's currency, and never in another one's sign. */
function inOrgCurrency(d: OrgData): { must: Fact; mustNot: Fact[] } {
  const sign = signs[d.currency] ?? d.currency;
  const esc = (s: string) => s.replace(/[$€£]/g, (c) => `\\${c}`);
  return {
    must: pattern(`money in ${d.currency}`, new RegExp(`${esc(sign)}\\s?\\d`)),
    mustNot: Object.entries(signs)
      .filter(([code]) => code !== d.currency)
      .map(([code, s]) => pattern(`money in ${code}`, new RegExp(`${esc(s)}\\s?\\d`))),
  };
}
/** Bills still open (submitted or approved) whose due date is before today. */
const overdueBills = (d: OrgData) => {
  const today = new Date(d.now).toISOString().slice(0, 10);
  return d.bills.filter(
    (b) => (b.status === "SUBMITTED" || b.status === "AUTHORISED") && b.dueDate !== undefined && b.dueDate < today,
  );
};

/** Open deals expected to close in the organisation's week (Monday to Sunday) of now. */
const closingThisWeek = (d: OrgData) => {
  const week = calendarWeek(d.now, d.timeZone);
  return d.open.filter(
    (x) => x.closeDate && x.closeDate.slice(0, 10) >= week.from && x.closeDate.slice(0, 10) <= week.to,
  );
};
/** Sales invoices (what customers owe us) still open and past due. */
const overdueSales = (d: OrgData) => {
  const today = new Date(d.now).toISOString().slice(0, 10);
  return d.salesInvoices.filter(
    (i) =>
      i.type === "ACCREC" &&
      (i.status === "SUBMITTED" || i.status === "AUTHORISED") &&
      !!i.dueDate &&
      i.dueDate < today,
  );
};
/** Overdue bills named by number: a receivables answer that lists them answers another question. */
const billNumbers = (d: OrgData) =>
  overdueBills(d)
    .slice(0, 3)
    .map((b) => pattern(`bill ${b.number}`, new RegExp(`\\[${b.number}\\]`)));
const receivables = (d: OrgData) => {
  const late = overdueSales(d);
  return answer(
    late.length === 0
      ? [pattern("no overdue sales invoices", /\bno overdue sales invoices\b/i)]
      : late.slice(0, 3).map((i) => name(i.contact.name)),
    billNumbers(d),
  );
};
/** A Jira assignee who owns no CRM deal at all. */
const teammateWithoutDeals = (d: OrgData) => {
  const owners = new Set([...d.open, ...d.closed].map((x) => x.ownerName));
  const who = d.assignees.find((a) => !owners.has(a));
  if (!who) throw new Error("every teammate owns a deal");
  return who;
};
const ownerWithDeals = (d: OrgData) =>
  at(
    d.open.filter((x) => x.ownerName && x.ownerName !== d.open[0]?.ownerName),
    0,
    "second owner's deal",
  ).ownerName ?? "";

export const heldOutSessions: Session[] = [
  {
    role: "CFO",
    title: "deals closing this week, money owed to us, and other people's pipelines, from someone with every role",
    user: { demo: "alex", second: "clara" },
    turns: [
      t(
        "period",
        () => "any deals closing this week?",
        (d) => {
          const due = closingThisWeek(d);
          return answer(due.length === 0 ? [saysNone] : due.map((x) => name(x.name)), [name(closed(d).name)]);
        },
      ),
      t("casual", () => "any overdue invoices?", receivables),
      t("casual", () => "who's late paying us?", receivables),
      t(
        "filter",
        () => "what is Zed Quux's pipeline?",
        (d) =>
          answer([pattern("does not know the person", /don't know anyone called Zed Quux/)], [name(deal(d, 0).name)]),
      ),
      t(
        "filter",
        (d) => `what is ${teammateWithoutDeals(d)}'s pipeline?`,
        (d) => answer([words(`${teammateWithoutDeals(d)} owns no open deals`)], [name(deal(d, 0).name)]),
      ),
      t(
        "typo",
        (d) => `how much pipelne does ${ownerWithDeals(d).split(" ")[0]} have`,
        (d) => {
          const owner = ownerWithDeals(d);
          const theirs = d.open.filter((x) => x.ownerName === owner);
          return answer(
            [money(theirs.reduce((sum, x) => sum + x.amount, 0)), name(owner)],
            d.open
              .filter((x) => x.ownerName !== owner)
              .slice(0, 3)
              .map((x) => name(x.name)),
          );
        },
      ),
    ],
  },
  {
    role: "account executive",
    title: "how to win a deal, asked casually",
    user: ae,
    turns: [
      t(
        "casual",
        (d) => `how do we win ${short(deal(d, 0).company.name)}?`,
        (d) => answer(dealFacts(d, 0), [name(closed(d).name)]),
      ),
      t(
        "typo",
        (d) => `wat does it take to close ${short(deal(d, 1).company.name)}`,
        (d) => answer(dealFacts(d, 1), [name(closed(d).name)]),
      ),
      t(
        "topic switch",
        (d) => `what's the latest on ${short(deal(d, 2).company.name)}?`,
        (d) => answer(dealFacts(d, 2)),
      ),
      t(
        "follow-up",
        () => "how can we still win it?",
        (d) => answer(dealFacts(d, 2), [name(closed(d).name)]),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer([name(deal(d, 2).ownerName ?? "")]),
      ),
    ],
  },
  {
    role: "CFO",
    title: "open bugs, overdue bills and a deal, from someone with every role",
    user: { demo: "alex", second: "clara" },
    turns: [
      t(
        "casual",
        () => "any bugs open in the sprint?",
        (d) => {
          const bugs = d.sprintIssues.filter((i) => i.type === "Bug" && i.statusCategory !== "done");
          const done = d.sprintIssues.filter((i) => i.type !== "Bug" || i.statusCategory === "done");
          return bugs.length > 0
            ? answer(
                bugs.map((i) => key(i.key)),
                done.slice(0, 3).map((i) => key(i.key)),
              )
            : answer([saysNone]);
        },
      ),
      t(
        "filter",
        () => "any overdue bills?",
        (d) => {
          const overdue = overdueBills(d);
          const currency = inOrgCurrency(d);
          const none = anyOf("no bill overdue", saysNone, count(0, "bills"));
          return answer(
            [overdue.length === 0 ? none : count(overdue.length, "bills"), currency.must],
            currency.mustNot,
          );
        },
      ),
      t(
        "topic switch",
        (d) => `how do we win ${short(deal(d, 3).company.name)}?`,
        (d) => answer(dealFacts(d, 3), [name(closed(d).name)]),
      ),
      t(
        "typo",
        (d) => `wat does it take to close ${short(deal(d, 4).company.name)}`,
        (d) => answer(dealFacts(d, 4), [name(closed(d).name)]),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer([name(deal(d, 4).ownerName ?? "")]),
      ),
    ],
  },
];
