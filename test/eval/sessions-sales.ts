/** Sessions of an account executive and a customer success manager: deals, pipeline, churn. */
import type { Customer, Deal } from "../../src/core/domain/crm.ts";
import type { OrgData } from "./data.ts";
import { count, date, key, money, name, pattern, percent, saysNone, words } from "./facts.ts";
import { answer, at, first, refuse, type Session, short, t, write } from "./spec.ts";

const ae = { demo: "sam", second: "emre" };
const csm = { demo: "priya", second: "ines" };
const userName = (d: OrgData, id: { demo: string; second: string }) =>
  d.people.find((p) => p.id === id[d.org])?.name ?? id[d.org];
const sum = (deals: Deal[]) => deals.reduce((a, x) => a + x.amount, 0);
const myDeals = (d: OrgData) => d.byOwner.get(userName(d, ae)) ?? [];
/** The other owner with the most open deals (the lead AE). */
const otherOwner = (d: OrgData) =>
  at(
    [...d.byOwner.entries()].filter(([o]) => o !== userName(d, ae)).sort((a, b) => b[1].length - a[1].length),
    0,
    "other deal owner",
  );
const dealNamed = (d: OrgData, i: number) => at(d.open, i, "open deal");
const recent = (d: OrgData, outcome: "won" | "lost") =>
  d.closed.filter((c) => c.outcome === outcome && d.now - Date.parse(c.closeDate) <= 30 * 86_400_000);
const closedThisMonth = (d: OrgData) => d.closed.filter((c) => c.closeDate.slice(0, 7) === d.thisMonth);
const risk = (d: OrgData, i: number) => at(d.atRisk, i, "at-risk customer");
const unused = (d: OrgData): Customer =>
  at(
    d.customers.filter((c) => c.unusedPaidFeatures.length > 0),
    0,
    "customer with unused features",
  );
const failed = (d: OrgData) => d.customers.filter((c) => c.lastFailedPaymentAt !== undefined);
const usage = (c: Customer) => percent(Math.abs(c.usageChange * 100));
const noPo = (d: OrgData) => at(d.withoutPo, 0, "bill without a purchase order");
const DAY = 86_400_000;
/** Deals needing their owner today, and why: the customer wrote in the last day, a meeting in the next two, silent 5+ days. */
function needs(d: OrgData, deals: Deal[]) {
  const out: { deal: Deal; why: ReturnType<typeof pattern> }[] = [];
  for (const deal of deals) {
    const since = (iso?: string) => (iso ? (d.now - Date.parse(iso)) / DAY : undefined);
    const inbound = since(deal.lastInboundAt);
    const meeting = deal.nextMeetingAt ? (Date.parse(deal.nextMeetingAt) - d.now) / DAY : undefined;
    const silent = since(deal.lastActivityAt);
    if (inbound !== undefined && inbound <= 1)
      out.push({ deal, why: pattern("the customer wrote", /repl|wrote|asked|inbound|email/i) });
    else if (meeting !== undefined && meeting >= 0 && meeting <= 2)
      out.push({ deal, why: pattern("a meeting soon", /demo|meeting|tomorrow|today/i) });
    else if (silent !== undefined && silent >= 5)
      out.push({ deal, why: pattern("gone quiet", /silent|no (activity|reply)|quiet|ghost|days/i) });
  }
  return out;
}
const closingAnswer = (d: OrgData) =>
  d.closingThisMonth.length > 0
    ? answer(
        d.closingThisMonth.map((x) => name(short(x.company.name))),
        closedThisMonth(d).map((x) => name(short(x.company.name))),
      )
    : answer(
        [saysNone],
        closedThisMonth(d).map((x) => name(short(x.company.name))),
      );

export const salesSessions: Session[] = [
  {
    role: "account executive",
    title: "my pipeline",
    user: ae,
    turns: [
      t(
        "plain",
        () => "how much pipeline do I have?",
        (d) => answer([money(sum(myDeals(d)))]),
      ),
      t(
        "follow-up",
        () => "what's my biggest deal?",
        (d) =>
          answer([
            name(short(at(myDeals(d), 0, "own deal").company.name)),
            money(at(myDeals(d), 0, "own deal").amount),
          ]),
      ),
      t(
        "follow-up",
        () => "and the second biggest?",
        (d) => answer([name(short(at(myDeals(d), 1, "own deal").company.name))]),
      ),
      t(
        "follow-up",
        () => "when does it close?",
        (d) => answer([date(at(myDeals(d), 1, "own deal").closeDate ?? "")]),
      ),
      t(
        "filter",
        (d) => `how much pipeline does ${first(otherOwner(d)[0])} have?`,
        (d) => answer([money(sum(otherOwner(d)[1]))]),
      ),
      t(
        "topic switch",
        () => "what's our total pipeline?",
        (d) =>
          answer(
            [money(sum(d.open))],
            recent(d, "won")
              .slice(0, 2)
              .map((x) => name(short(x.company.name))),
          ),
      ),
      t("period", () => "which deals close this month?", closingAnswer),
      t(
        "typo",
        () => "hw much pipelne do i hav",
        (d) => answer([money(sum(myDeals(d)))]),
      ),
      t(
        "period",
        () => "what did we win in the last 30 days?",
        (d) => answer(recent(d, "won").map((x) => name(short(x.company.name)))),
      ),
      t(
        "follow-up",
        () => "and what did we lose?",
        (d) => answer(recent(d, "lost").map((x) => name(short(x.company.name)))),
      ),
      t(
        "write",
        (d) => `log a call on ${short(at(myDeals(d), 0, "own deal").company.name)}: discussed pricing for 500 seats`,
        () =>
          write(
            "crm_log_activity",
            [pattern("the note", /discussed pricing for 500 seats/i), pattern("a call", /"type":"call"/)],
            [name("daybook")],
          ),
      ),
      t(
        "out of role",
        () => "what's blocking the sprint?",
        (d) =>
          refuse(
            "role",
            d.blocked.map((b) => key(b.issue.key)),
          ),
      ),
      t(
        "plain",
        (d) => `remind me about ${short(dealNamed(d, 3).company.name)} tomorrow`,
        (d) =>
          answer([
            name(short(dealNamed(d, 3).company.name)),
            pattern("a reminder at 09:00 tomorrow", /remind you about .+ at 09:00/),
          ]),
      ),
    ],
  },
  {
    role: "account executive",
    title: "named deals and follow-ups",
    user: ae,
    turns: [
      t(
        "plain",
        (d) => `tell me about the ${short(dealNamed(d, 0).company.name)} deal`,
        (d) => answer([money(dealNamed(d, 0).amount), name(dealNamed(d, 0).stage)]),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer([name(dealNamed(d, 0).ownerName ?? "")]),
      ),
      t(
        "follow-up",
        () => "when does it close?",
        (d) => answer([date(dealNamed(d, 0).closeDate ?? "")]),
      ),
      t(
        "topic switch",
        (d) => `what's happening with ${short(dealNamed(d, 1).company.name)}?`,
        (d) =>
          answer(
            [name(short(dealNamed(d, 1).company.name)), money(dealNamed(d, 1).amount)],
            [name(short(dealNamed(d, 0).company.name))],
          ),
      ),
      t(
        "casual",
        (d) => `yo whats up w ${short(dealNamed(d, 2).company.name).toLowerCase()}`,
        (d) => answer([money(dealNamed(d, 2).amount)]),
      ),
      t(
        "typo",
        (d) => `tell me abuot the ${short(dealNamed(d, 3).company.name)} deel`,
        (d) => answer([money(dealNamed(d, 3).amount)]),
      ),
      t(
        "plain",
        (d) => `which deals need ${first(otherOwner(d)[0])} today?`,
        (d) => {
          const due = needs(d, otherOwner(d)[1]);
          return due.length > 0
            ? answer(due.slice(0, 3).map((x) => name(short(x.deal.company.name))))
            : answer([saysNone]);
        },
      ),
      t(
        "follow-up",
        () => "why?",
        (d) => {
          const top = needs(d, otherOwner(d)[1])[0];
          return top ? answer([name(short(top.deal.company.name)), top.why]) : answer([saysNone]);
        },
      ),
      t(
        "write",
        (d) => `move ${short(dealNamed(d, 1).company.name)} to Negotiation`,
        (d) =>
          write("crm_update_deal_stage", [
            key(dealNamed(d, 1).id),
            pattern("stage Negotiation", /"stage":"Negotiation"/),
          ]),
      ),
      t(
        "out of role",
        (d) => `show invoice ${noPo(d).number}`,
        (d) => refuse("role", [money(noPo(d).total)]),
      ),
      t(
        "cannot do",
        (d) => `send ${short(dealNamed(d, 2).company.name)} a follow-up email`,
        () => refuse("capability"),
      ),
      t(
        "cannot do",
        () => "forecast next quarter's bookings",
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "CSM",
    title: "churn risk",
    user: csm,
    turns: [
      t(
        "plain",
        () => "which customers might churn?",
        (d) => answer(d.atRisk.map((c) => name(short(c.name)))),
      ),
      t(
        "follow-up",
        (d) => `why is ${short(risk(d, 0).name)} at risk?`,
        (d) => answer([usage(risk(d, 0)), money(risk(d, 0).arr)]),
      ),
      t(
        "follow-up",
        () => "who owns it?",
        (d) => answer([name(risk(d, 0).ownerName ?? "")]),
      ),
      t(
        "follow-up",
        (d) => `and ${short(risk(d, 1).name)}?`,
        (d) => answer([name(short(risk(d, 1).name)), usage(risk(d, 1))], [usage(risk(d, 0))]),
      ),
      t(
        "plain",
        () => "how much ARR is at risk?",
        (d) => answer([money(d.atRisk.reduce((a, c) => a + c.arr, 0))]),
      ),
      t(
        "filter",
        () => "any failed payments?",
        (d) => answer(failed(d).map((c) => name(short(c.name)))),
      ),
      t(
        "topic switch",
        (d) => `what is ${short(unused(d).name)} paying for but not using?`,
        (d) => answer(unused(d).unusedPaidFeatures.map((f) => name(f))),
      ),
      t(
        "typo",
        (d) => `why is ${short(risk(d, 0).name).toLowerCase()} at rsik`,
        (d) => answer([usage(risk(d, 0))]),
      ),
      t(
        "casual",
        () => "who's about to walk?",
        (d) => answer(d.atRisk.slice(0, 1).map((c) => name(short(c.name)))),
      ),
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
        "write",
        (d) => `log a note on ${short(risk(d, 0).name)}: called the admin, training booked for Friday`,
        (d) =>
          write(
            "crm_log_activity",
            [key(risk(d, 0).id), pattern("the note", /training booked for Friday/i)],
            [name("daybook")],
          ),
      ),
      t(
        "out of role",
        (d) => `approve invoice ${noPo(d).number}`,
        () => refuse("role"),
      ),
      t(
        "cannot do",
        () => "export the churn list to CSV",
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "CSM",
    title: "accounts",
    user: csm,
    turns: [
      t(
        "plain",
        (d) => `how healthy is ${short(risk(d, 1).name)}?`,
        (d) => answer([usage(risk(d, 1)), money(risk(d, 1).arr)]),
      ),
      t(
        "follow-up",
        () => "why?",
        (d) => answer([usage(risk(d, 1))]),
      ),
      t(
        "plain",
        (d) => `find ${short(risk(d, 0).name)}`,
        (d) => answer([name(short(risk(d, 0).name))]),
      ),
      t(
        "follow-up",
        () => "what's their ARR?",
        (d) => answer([money(risk(d, 0).arr)]),
      ),
      t(
        "topic switch",
        (d) => `tell me about ${short(unused(d).name)}`,
        (d) => answer([name(short(unused(d).name)), money(unused(d).arr)], [name(short(risk(d, 0).name))]),
      ),
      t(
        "casual",
        () => "any accounts i should worry about",
        (d) => answer(d.atRisk.slice(0, 1).map((c) => name(short(c.name)))),
      ),
      t(
        "out of role",
        () => "show the P&L for last month",
        (d) => refuse("role", [money(d.lastMonthIncome)]),
      ),
      t(
        "out of role",
        () => "what's blocking the sprint?",
        (d) =>
          refuse(
            "role",
            d.blocked.map((b) => key(b.issue.key)),
          ),
      ),
      t(
        "cannot do",
        (d) => `schedule a QBR with ${short(risk(d, 0).name)} next week`,
        () => refuse("capability"),
      ),
      t(
        "plain",
        (d) => `remind me about ${short(risk(d, 1).name)} tomorrow`,
        (d) =>
          answer([
            name(short(risk(d, 1).name)),
            pattern("a reminder at 09:00 tomorrow", /remind you about .+ at 09:00/),
          ]),
      ),
      t(
        "filter",
        () => "which customers have an open support ticket?",
        (d) =>
          answer(
            d.customers
              .filter((c) => c.tickets.some((x) => x.status === "open"))
              .slice(0, 3)
              .map((c) => name(short(c.name))),
          ),
      ),
      t(
        "follow-up",
        () => "what's the ticket about?",
        (d) =>
          answer(
            d.customers
              .flatMap((c) => c.tickets.filter((x) => x.status === "open"))
              .slice(0, 1)
              .map((x) => words(x.subject)),
          ),
      ),
    ],
  },
];
