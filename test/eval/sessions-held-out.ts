/**
 * Phrasings found by asking as a new user would, outside the other sessions' wording (issue 13,
 * item 2): "how do we win <deal>?" is that deal's state and next step, not the deals already
 * won; a list that comes back empty still states its zero in the organisation's currency.
 */
import type { OrgData } from "./data.ts";
import { anyOf, count, date, type Fact, key, money, name, pattern, saysNone } from "./facts.ts";
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

export const heldOutSessions: Session[] = [
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
