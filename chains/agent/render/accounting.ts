/**
 * Accounting results in chat: month-end close exceptions, one invoice, a list of invoices or
 * bills, the P&L, bank transactions. Money is in the record's currency, else the result's.
 */
import type { Fields } from "./fields.ts";
import type { ShapeRenderer } from "./shape.ts";
import { isObj, listed, objs, plural, str, upperFirst, words } from "./text.ts";
import type { Obj } from "./types.ts";

function invoiceTitle(i: Obj): string {
  const n = str(i.number) ?? str(i.id) ?? "?";
  return typeof i.url === "string" ? `invoice [${n}](${i.url})` : `invoice \`${n}\``;
}

function closeReply(v: Obj, f: Fields): string {
  const counts = v.counts as Obj;
  const month = f.month(v.month);
  const noPo = objs(v.invoicesWithoutPo);
  const dups = objs(v.duplicates);
  const bank = objs(v.unmatchedBank);
  const variances = objs(v.variances);
  const total = typeof counts.exceptions === "number" ? counts.exceptions : undefined;
  const lines =
    total === 0
      ? [`Nothing is left for the ${month} close: no exceptions.`]
      : [
          `${total === undefined ? "These exceptions are" : `${plural(total, "exception is", "exceptions are")}`} left for the ${month} close:`,
        ];
  const items: string[] = [];
  for (const i of noPo)
    items.push(
      `- ${upperFirst(invoiceTitle(i))} from **${str(i.contact) ?? "?"}**, ${f.money(i.total, i)} (${f.when(i.date)}), has no purchase order: get a PO or approve it by exception.`,
    );
  for (const d of dups)
    items.push(
      `- ${upperFirst(invoiceTitle(d))} from **${str(d.contact) ?? "?"}**, ${f.money(d.total, d)}, ${duplicateText(d)}: reject it if so.`,
    );
  for (const t of bank) {
    const amount = typeof t.amount === "number" ? t.amount : 0;
    const dir = amount < 0 ? "out" : "in";
    items.push(
      `- Bank: ${str(t.description) ?? str(t.reference) ?? "transaction"}, ${f.money(Math.abs(amount), t)} ${dir} on ${f.when(t.date)}${str(t.reference) ? ` (${t.reference})` : ""}: ${str(t.reason) ?? "not matched"}; ${bankAction(t)}.`,
    );
  }
  // A month in progress is compared with last month to the same day (the tool says which day).
  const against = str(v.monthToDate) ? "on last month to the same day" : "on last month";
  for (const x of variances) {
    const change = typeof x.changePct === "number" ? x.changePct : undefined;
    const moved = change === undefined ? "moved" : change >= 0 ? `up ${change}%` : `down ${Math.abs(change)}%`;
    items.push(
      `- ${str(x.account) ?? "An account"} is ${moved} ${against} (${f.money(x.current, x)} vs ${f.money(x.previous, x)}): confirm it is expected.`,
    );
  }
  lines.push(...items.slice(0, 7));
  if (items.length > 7) lines.push(`- and ${items.length - 7} more`);
  if (str(v.comparison)) lines.push(String(v.comparison));
  return lines.join("\n");
}

function duplicateText(d: Obj): string {
  const of = str(d.duplicateOf);
  const reason = str(d.reason);
  if (reason && (!of || reason.includes(of))) return `looks like a duplicate (${reason})`;
  return `looks like a duplicate of ${of ?? "another invoice"}${reason ? ` (${reason})` : ""}`;
}

function invoiceReply(i: Obj, f: Fields): string {
  const facts = [
    f.money(i.total, i),
    str(i.status) ? words(String(i.status).toLowerCase()) : undefined,
    str(i.date) ? `dated ${f.when(i.date)}` : undefined,
    str(i.dueDate) ? `due ${f.when(i.dueDate)}` : undefined,
    str(i.purchaseOrder) && i.purchaseOrder !== "none" ? `PO ${i.purchaseOrder}` : "no purchase order",
  ].filter(Boolean);
  const lines = [
    `${upperFirst(invoiceTitle(i))}${str(i.contact) ? ` from **${i.contact}**` : ""}: ${facts.join(", ")}.${str(i.reference) ? ` Reference ${i.reference}.` : ""}`,
  ];
  const items = objs(i.lines);
  if (items.length > 0)
    lines.push(
      ...listed(
        items,
        (l) =>
          `- ${[str(l.account), str(l.description)].filter(Boolean).join(": ")}${typeof l.amount === "number" ? `, ${f.money(l.amount, i)}` : ""}`,
        5,
      ),
    );
  return lines.join("\n");
}

function invoicesReply(v: Obj, f: Fields): string {
  const invoices = objs(v.invoices);
  const what = v.type === "ACCREC" ? "sales invoices" : "bills";
  const when = str(v.fromMonth)
    ? ` from ${f.month(v.fromMonth)} to ${f.month(v.month)}`
    : str(v.month)
      ? ` in ${f.month(v.month)}`
      : "";
  const lead = `${v.count} ${what}${when}${typeof v.total === "number" ? `, ${f.money(v.total, v)} in all` : ""}${invoices.length > 0 ? ":" : "."}`;
  const lines = [lead];
  // A list of fifteen or fewer (the tool's default page) is shown whole; a longer one is sampled.
  const cap = invoices.length <= 15 ? 15 : 7;
  for (const i of invoices.slice(0, cap))
    lines.push(
      `- ${upperFirst(invoiceTitle(i))} from **${str(i.contact) ?? "?"}**, ${f.money(i.total, i)}, ${words(String(i.status ?? "").toLowerCase())}${str(i.date) ? ` (${f.when(i.date)})` : ""}`,
    );
  const more = typeof v.more === "number" ? v.more : 0;
  const hidden = invoices.length > cap ? invoices.length - cap : 0;
  if (hidden > 0) lines.push(`- and ${hidden} more here${more > 0 ? `, ${more} beyond` : ""}`);
  else if (more > 0) lines.push(`- and ${more} more`);
  return lines.join("\n");
}

function pnlReply(v: Obj, f: Fields): string {
  // A quarter, a year or YTD names itself and the period it is compared with; a month says "the month before".
  const period = str(v.period);
  // A month in progress ("day 23 of 30") is compared with the month before to the same day.
  const toDate = str(v.monthToDate);
  const before =
    period && str(v.comparedTo)
      ? `in ${v.comparedTo}`
      : toDate
        ? "the month before to the same day"
        : "the month before";
  const lines = [
    `${upperFirst(period ?? f.month(v.month))}${toDate ? ` so far (${toDate})` : ""}: net profit ${f.money(v.netProfit, v)} on ${f.money(v.totalIncome, v)} income and ${f.money(v.totalExpenses, v)} expenses${typeof v.netProfitPrevious === "number" ? ` (${f.money(v.netProfitPrevious, v)} ${before})` : ""}.`,
  ];
  if (str(v.noFiguresFor)) lines.push(`No figures for ${v.noFiguresFor}: the totals cover the other months.`);
  if (str(v.comparison)) lines.push(String(v.comparison));
  const row = (a: Obj) => {
    const change =
      typeof a.changePct === "number" ? `, ${a.changePct >= 0 ? "up" : "down"} ${Math.abs(a.changePct)}%` : "";
    return `- ${str(a.account) ?? "?"}: ${f.money(a.amount, v)}${change}`;
  };
  const income = objs(v.income);
  if (income.length > 0) lines.push("Income:", ...listed(income, row, 3));
  const expenses = objs(v.expenses);
  if (expenses.length > 0) lines.push("Biggest expenses:", ...listed(expenses, row, 5));
  return lines.join("\n");
}

function bankReply(v: Obj, f: Fields): string {
  const t = v.totals as Obj;
  const lead = [
    typeof t.lines === "number"
      ? `${t.lines} bank transactions${str(v.month) ? ` in ${f.month(v.month)}` : ""}`
      : "Bank transactions",
    typeof t.reconciled === "number" ? `${t.reconciled} reconciled` : undefined,
    typeof t.unreconciled === "number" ? `${t.unreconciled} not` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  const money =
    typeof t.moneyIn === "number" && typeof t.moneyOut === "number"
      ? ` Money in ${f.money(t.moneyIn, v)}, out ${f.money(t.moneyOut, v)}.`
      : "";
  const txs = objs(v.transactions);
  const lines = [`${lead}.${money}`];
  // The lead carries the month's count; the list is the tool's sample, so no "and N more".
  lines.push(
    ...txs.slice(0, 7).map((x) => {
      const amount = typeof x.amount === "number" ? x.amount : 0;
      return `- ${str(x.description) ?? str(x.reference) ?? "?"}: ${f.money(Math.abs(amount), x)} ${amount < 0 ? "out" : "in"} on ${f.when(x.date)}${x.reconciled === false ? " (not reconciled)" : ""}`;
    }),
  );
  return lines.join("\n");
}

function bankAction(t: Obj): string {
  const reason = `${str(t.reason) ?? ""} ${str(t.description) ?? ""}`.toLowerCase();
  if (/fee/.test(reason)) return "book it";
  if (/refund/.test(reason)) return "find who sent it";
  if (/wire|remittance|documentation/.test(reason)) return "get the remittance details";
  return "match or book it";
}

export const accountingRenderers: readonly ShapeRenderer[] = [
  {
    shape: "close exceptions",
    matches: (v) => isObj(v.counts) && Array.isArray(v.invoicesWithoutPo),
    render: closeReply,
  },
  {
    shape: "one invoice",
    matches: (v) => typeof v.number === "string" && typeof v.total === "number",
    render: invoiceReply,
  },
  {
    shape: "invoice list",
    matches: (v) => Array.isArray(v.invoices) && typeof v.count === "number",
    render: invoicesReply,
  },
  {
    shape: "profit and loss",
    matches: (v) => Array.isArray(v.expenses) && typeof v.netProfit === "number",
    render: pnlReply,
  },
  {
    shape: "bank transactions",
    matches: (v) => Array.isArray(v.transactions) && isObj(v.totals),
    render: bankReply,
  },
];
