/** Sessions of the controller and the CFO: the close, bills, bank lines, P&L, revenue, and a CFO's mix. */
import type { Deal } from "../../src/core/domain/crm.ts";
import type { OrgData } from "./data.ts";
import { key, money, name, pattern, percent, saysNone, words } from "./facts.ts";
import { answer, at, first, refuse, type Session, short, t, write } from "./spec.ts";

const controller = { demo: "fiona", second: "greta" };
const cfo = { demo: "alex", second: "clara" };
const noPo = (d: OrgData) => at(d.withoutPo, 0, "bill without a purchase order");
const dup = (d: OrgData) => at(d.duplicates, 0, "duplicate bill");
const wire = (d: OrgData) =>
  at(
    [...d.unreconciled].sort((a, b) => a.amount - b.amount),
    0,
    "unreconciled payment",
  );
const vendorOf = (d: OrgData) => noPo(d).contact.name;
const fromVendor = (d: OrgData, vendor: string) => d.bills.filter((b) => b.contact.name === vendor);
const otherVendorBill = (d: OrgData, vendor: string) =>
  at(
    d.bills.filter((b) => b.contact.name !== vendor),
    0,
    "other vendor's bill",
  );
const paid = (d: OrgData) =>
  at(
    d.bills.filter((b) => b.status === "PAID"),
    0,
    "paid bill",
  );
/** An approvable bill that is neither the one without a PO nor a duplicate. */
const plainAwaiting = (d: OrgData) =>
  at(
    d.awaitingApproval.filter((b) => b.purchaseOrderNumber && !d.duplicates.some(([x]) => x.number === b.number)),
    0,
    "ordinary bill awaiting approval",
  );
const sum = (deals: Deal[]) => deals.reduce((a, x) => a + x.amount, 0);
const owners = (d: OrgData) => [...d.byOwner.entries()].sort((a, b) => b[1].length - a[1].length);
const monthName = (month: string) =>
  new Date(`${month}-15T00:00:00Z`).toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
const bankMonth = (d: OrgData) => (d.closeMonth === d.thisMonth ? "this month" : "last month");

export const financeSessions: Session[] = [
  {
    role: "controller",
    title: "month-end close",
    user: controller,
    turns: [
      t(
        "plain",
        () => "what's left for the close?",
        (d) => answer([key(noPo(d).number), key(dup(d)[0].number), ...d.unreconciled.map((u) => money(u.amount))]),
      ),
      t(
        "follow-up",
        () => "and the one without a PO?",
        (d) => answer([key(noPo(d).number), money(noPo(d).total), name(vendorOf(d))]),
      ),
      t(
        "follow-up",
        () => "why is it flagged?",
        () => answer([pattern("no purchase order", /\b(no|without|missing)\s+(a\s+)?(purchase order|PO)\b/i)]),
      ),
      t(
        "filter",
        (d) => `show unreconciled bank transactions ${bankMonth(d)}`,
        (d) =>
          answer(
            d.unreconciled.map((u) => money(u.amount)),
            [money(paid(d).total)],
          ),
      ),
      t(
        "follow-up",
        (d) => `what's that ${d.currency === "EUR" ? "€" : "$"}${money(wire(d).amount).label} wire?`,
        (d) => answer([money(wire(d).amount), words(wire(d).description)]),
      ),
      t(
        "topic switch",
        () => "did we get billed twice by anyone?",
        (d) =>
          answer([key(dup(d)[0].number), key(dup(d)[1].number), name(dup(d)[0].contact.name)], [key(noPo(d).number)]),
      ),
      t(
        "follow-up",
        () => "who's the vendor?",
        (d) => answer([name(dup(d)[0].contact.name)]),
      ),
      t(
        "filter",
        () => "show me bills awaiting approval",
        (d) =>
          answer(
            [
              key(noPo(d).number),
              key(dup(d)[0].number),
              pattern(`${d.awaitingApproval.length} bills`, new RegExp(`\\b${d.awaitingApproval.length}\\b`)),
            ],
            [key(paid(d).number)],
          ),
      ),
      t(
        "filter",
        (d) => `invoices from ${vendorOf(d)}`,
        (d) =>
          answer(
            fromVendor(d, vendorOf(d))
              .slice(0, 3)
              .map((b) => key(b.number)),
            [key(otherVendorBill(d, vendorOf(d)).number)],
          ),
      ),
      t(
        "write",
        (d) => `approve invoice ${plainAwaiting(d).number}`,
        (d) =>
          write("accounting_approve_invoice", [
            pattern("the invoice", new RegExp(`${plainAwaiting(d).number}|${plainAwaiting(d).id}`)),
          ]),
      ),
      t(
        "write",
        (d) => `reject invoice ${dup(d)[0].number}: duplicate of ${dup(d)[1].number}`,
        (d) =>
          write("accounting_reject_invoice", [
            pattern("the invoice", new RegExp(`${dup(d)[0].number}|${dup(d)[0].id}`)),
            pattern("the reason", /duplicate/i),
          ]),
      ),
      t(
        "write",
        (d) => `approve invoice ${plainAwaiting(d).number}: checked against the signed contract`,
        (d) =>
          write("accounting_approve_invoice", [
            pattern("the invoice", new RegExp(`${plainAwaiting(d).number}|${plainAwaiting(d).id}`)),
            pattern("the note", /"note":"checked against the signed contract"/),
          ]),
      ),
      t(
        "write",
        (d) =>
          `reject invoice ${dup(d)[0].number}, it's a duplicate of ${dup(d)[1].number}, and draft the vendor notice`,
        (d) =>
          write(
            "accounting_reject_invoice",
            [
              pattern("the invoice", new RegExp(`${dup(d)[0].number}|${dup(d)[0].id}`)),
              pattern("the notice to the vendor", new RegExp(`"vendorNotice":"Hello ${dup(d)[0].contact.name},`)),
              pattern("the original in the notice", new RegExp(`It duplicates invoice #${dup(d)[1].number} dated`)),
            ],
            [pattern("the request kept in the reason", /"reason":"[^"]*draft the vendor notice/)],
          ),
      ),
      t(
        "write",
        (d) =>
          `the ${new Intl.NumberFormat("en-US", { style: "currency", currency: d.currency, minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(Math.abs(wire(d).amount))} wire is the legal settlement`,
        (d) =>
          write("accounting_code_bank_line", [
            pattern("the line", new RegExp(`"transactionId":"${wire(d).id}"`)),
            pattern("the memo", /"memo":"[Ll]egal settlement"/),
          ]),
      ),
      t(
        "out of role",
        () => "how's the sprint going?",
        (d) => refuse("role", [percent(d.donePct)]),
      ),
      t(
        "plain",
        () => "export the P&L to CSV",
        () => answer([pattern("the P&L as a CSV file", /the P&L for \w+ \d{4}/), pattern("net profit", /net profit/i)]),
      ),
    ],
  },
  {
    role: "controller",
    title: "books by period",
    user: controller,
    turns: [
      t(
        "period",
        () => "P&L for last month",
        (d) => answer([money(d.lastMonthIncome), money(d.lastMonthExpenses), money(d.lastMonthNet)]),
      ),
      t(
        "follow-up",
        () => "what was net profit?",
        (d) => answer([money(d.lastMonthNet)]),
      ),
      t(
        "period",
        () => "what was revenue this quarter?",
        (d) => answer([money(d.quarterRevenue)], d.quarterMonths.length > 1 ? [] : []),
      ),
      t(
        "period",
        (d) => `revenue in ${monthName(d.lastMonth)}`,
        (d) => answer([money(d.lastMonthIncome)]),
      ),
      t(
        "typo",
        () => "unreconcilled bank lines",
        (d) => answer(d.unreconciled.map((u) => money(u.amount))),
      ),
      t(
        "casual",
        () => "anything weird in the bank?",
        (d) => answer(d.unreconciled.map((u) => money(u.amount))),
      ),
      t(
        "topic switch",
        () => "any duplicate bills?",
        (d) => answer([key(dup(d)[0].number)], [key(noPo(d).number)]),
      ),
      t(
        "plain",
        (d) => `show invoice ${noPo(d).number}`,
        (d) => answer([money(noPo(d).total), name(vendorOf(d))]),
      ),
      t(
        "follow-up",
        () => "who's the vendor?",
        (d) => answer([name(vendorOf(d))]),
      ),
      t(
        "filter",
        (d) => `unpaid bills from ${dup(d)[0].contact.name}`,
        (d) =>
          answer(
            fromVendor(d, dup(d)[0].contact.name)
              .filter((b) => b.status !== "PAID")
              .slice(0, 3)
              .map((b) => key(b.number)),
            [key(otherVendorBill(d, dup(d)[0].contact.name).number)],
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
        (d) => `pay ${vendorOf(d)} today`,
        () => refuse("capability"),
      ),
      t(
        "plain",
        () => "remind me about the close tomorrow",
        () => answer([pattern("a reminder at 09:00 tomorrow", /remind you about .+ at 09:00/)]),
      ),
      t(
        "follow-up",
        () => "my reminders",
        () => answer([pattern("the close reminder listed", /\d+\. the close/)]),
      ),
      t(
        "period",
        () => "download last month's bills as a spreadsheet",
        () => answer([pattern("last month's bills as a CSV file", /the bills of \w+ \d{4}/)]),
      ),
    ],
  },
  {
    role: "CFO",
    title: "the numbers, across systems",
    user: cfo,
    turns: [
      t(
        "period",
        () => "what was revenue this quarter?",
        (d) => answer([money(d.quarterRevenue)]),
      ),
      t(
        "follow-up",
        () => "and last month?",
        (d) => answer([money(d.lastMonthIncome)], [money(d.quarterRevenue)]),
      ),
      t(
        "plain",
        () => "how are we against budget?",
        (d) =>
          answer([
            money(d.budget.income),
            money(d.budget.budgetIncome),
            money(d.budget.expenses),
            money(d.budget.budgetExpenses),
          ]),
      ),
      t(
        "casual",
        () => "what's our runway looking like?",
        (d) =>
          answer(
            d.runway.burn > 0
              ? [money(d.runway.balance), money(d.runway.burn), pattern("months of runway", /\bmonths of runway\b/)]
              : [money(d.runway.balance), pattern("not burning", /\bnot burning\b/i)],
          ),
      ),
      t(
        "topic switch",
        () => "what's our total pipeline?",
        (d) => answer([money(sum(d.open))]),
      ),
      t(
        "filter",
        (d) => `how much pipeline does ${first(at(owners(d), 1, "second owner")[0])} have?`,
        (d) => answer([money(sum(at(owners(d), 1, "second owner")[1]))]),
      ),
      t(
        "period",
        () => "which deals close this month?",
        (d) =>
          d.closingThisMonth.length > 0
            ? answer(d.closingThisMonth.map((x) => name(short(x.company.name))))
            : answer([saysNone]),
      ),
      t(
        "topic switch",
        () => "any duplicate bills?",
        (d) =>
          answer(
            [key(dup(d)[0].number)],
            d.open.slice(0, 2).map((x) => name(short(x.company.name))),
          ),
      ),
      t(
        "topic switch",
        (d) => `what's ${first(at(d.blocked, 0, "blocked issue").issue.assignee ?? "")} working on?`,
        (d) =>
          answer(
            [key(at(d.blocked, 0, "blocked issue").issue.key)],
            [key(dup(d)[0].number), ...d.open.slice(0, 2).map((x) => name(short(x.company.name)))],
          ),
      ),
      t(
        "topic switch",
        () => "how far along is the sprint",
        (d) => answer([percent(d.donePct)]),
      ),
      t(
        "casual",
        () => "how bad is churn looking",
        (d) => answer(d.atRisk.slice(0, 2).map((c) => name(short(c.name)))),
      ),
      t(
        "typo",
        () => "whats our pipline",
        (d) => answer([money(sum(d.open))]),
      ),
      t(
        "write",
        (d) => `move ${short(at(d.open, 0, "open deal").company.name)} to Closed Won`,
        (d) =>
          write("crm_update_deal_stage", [
            key(at(d.open, 0, "open deal").id),
            pattern("stage Closed Won", /"stage":"Closed Won"/),
          ]),
      ),
      t(
        "plain",
        () => "export the P&L to CSV",
        () => answer([pattern("the P&L as a CSV file", /the P&L for \w+ \d{4}/), pattern("net profit", /net profit/i)]),
      ),
      t(
        "plain",
        (d) => `remind me about ${short(at(d.open, 3, "open deal").company.name)} tomorrow`,
        (d) =>
          answer([
            name(short(at(d.open, 3, "open deal").company.name)),
            pattern("a reminder at 09:00 tomorrow", /remind you about .+ at 09:00/),
          ]),
      ),
      t(
        "cannot do",
        () => "what will revenue be next year?",
        () => refuse("capability"),
      ),
    ],
  },
  {
    role: "CFO",
    title: "a morning check-in",
    user: cfo,
    turns: [
      t(
        "casual",
        () => "morning! what needs me today?",
        (d) => answer([name(short(at(d.open, 0, "open deal").company.name))]),
      ),
      t(
        "topic switch",
        () => "what's blocking the sprint?",
        (d) =>
          answer(
            d.blocked.map((b) => key(b.issue.key)),
            [name(short(at(d.open, 0, "open deal").company.name))],
          ),
      ),
      t(
        "follow-up",
        () => "who's been blocked the longest?",
        (d) => answer([key(at(d.blocked, 0, "blocked issue").issue.key)]),
      ),
      t(
        "topic switch",
        () => "show me bills awaiting approval",
        (d) => answer([key(noPo(d).number)], [key(paid(d).number)]),
      ),
      t(
        "filter",
        (d) => `invoices from ${vendorOf(d)}`,
        (d) => answer([key(noPo(d).number)], [key(otherVendorBill(d, vendorOf(d)).number)]),
      ),
      t(
        "topic switch",
        (d) => `why is ${short(at(d.atRisk, 0, "at-risk customer").name)} at risk?`,
        (d) => answer([money(at(d.atRisk, 0, "at-risk customer").arr)], [key(noPo(d).number)]),
      ),
      t(
        "period",
        () => "P&L for last month",
        (d) => answer([money(d.lastMonthIncome), money(d.lastMonthNet)]),
      ),
      t(
        "period",
        () => "what did we win in the last 30 days?",
        (d) =>
          answer(
            d.closed
              .filter((c) => c.outcome === "won" && d.now - Date.parse(c.closeDate) <= 30 * 86_400_000)
              .map((c) => name(short(c.company.name))),
          ),
      ),
      t(
        "write",
        (d) => `create a ticket to fix the ${short(at(d.atRisk, 0, "at-risk customer").name)} onboarding flow`,
        () => write("jira_create_issue", [pattern("summary", /"summary":"[^"]*onboarding flow/i)]),
      ),
      t(
        "cannot do",
        () => "book a meeting with the board on Friday",
        () => refuse("capability"),
      ),
    ],
  },
];
