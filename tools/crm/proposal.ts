/**
 * A proposal priced from the organisation's price list (issue 16, item 4): users x the unit
 * price per user per month x 12, less the annual discount for an annual contract (500 x $8 x 12
 * x 0.8 = $38,400). Every figure is computed here, in cents so no float rounding reaches a
 * total; the Markdown and PDF documents print these figures and nothing else, so a model that
 * phrases the reply has no number of its own to offer.
 */
import type { ChatFile } from "../../src/core/files.ts";
import { formatMoney } from "../shared/compact.ts";

/** The org config's `sales.priceList` (src/config/org.ts), as the tools read it. */
export interface PriceList {
  product: string;
  currency: string;
  /** Per user per month, in `currency`. */
  unitPrice: number;
  /** Fraction off the list price for an annual contract (0.2 = 20 %). */
  annualDiscount: number;
  minUsers: number;
  validDays: number;
}

export type ProposalTerm = "annual" | "monthly";

export interface ProposalInput {
  /** The company as the CRM names it (or as the person said it, for a company not in the CRM). */
  company: string;
  users: number;
  term: ProposalTerm;
  /** YYYY-MM-DD in the organisation's timezone: the proposal's date. */
  today: string;
  /** The open deal it belongs to, when the CRM has one. */
  deal?: { name: string; stage: string; owner?: string; url: string };
}

export interface Proposal extends ProposalInput {
  product: string;
  currency: string;
  unitPrice: number;
  /** users x unit price: one month at list price. */
  monthlyList: number;
  /** 12 months at list price. */
  annualList: number;
  /** Whole percent off (annual term; 0 for monthly). */
  discountPct: number;
  /** Amount taken off the annual list price. */
  discount: number;
  /** What the customer pays for the first 12 months. */
  total: number;
  /** Per month over the term (annual: total / 12). */
  perMonth: number;
  /** Per user per month after the discount. */
  effectiveUnitPrice: number;
  validUntil: string;
}

const cents = (amount: number) => Math.round(amount * 100);
const units = (c: number) => c / 100;

function addDays(day: string, n: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The proposal's figures; throws a RangeError for a user count the price list does not allow. */
export function priceProposal(list: PriceList, input: ProposalInput): Proposal {
  if (!Number.isInteger(input.users) || input.users < list.minUsers)
    throw new RangeError(`a proposal is for at least ${list.minUsers} users`);
  const unit = cents(list.unitPrice);
  const monthly = input.users * unit;
  const annual = monthly * 12;
  const discountPct = input.term === "annual" ? Math.round(list.annualDiscount * 1000) / 10 : 0;
  const discount = Math.round((annual * discountPct) / 100);
  const total = annual - discount;
  return {
    ...input,
    product: list.product,
    currency: list.currency,
    unitPrice: units(unit),
    monthlyList: units(monthly),
    annualList: units(annual),
    discountPct,
    discount: units(discount),
    total: units(total),
    perMonth: units(Math.round(total / 12)),
    effectiveUnitPrice: units(Math.round(total / 12 / input.users)),
    validUntil: addDays(input.today, list.validDays),
  };
}

/** The pricing lines, shared by the Markdown, the PDF and the chat reply. */
export function pricingLines(p: Proposal): string[] {
  const m = (n: number) => formatMoney(n, p.currency);
  const lines = [
    `${p.users} users x ${m(p.unitPrice)} per user per month = ${m(p.monthlyList)} per month`,
    `12 months at list price: ${m(p.annualList)}`,
  ];
  if (p.term === "annual" && p.discount > 0) {
    lines.push(`Annual contract discount (${p.discountPct}%): -${m(p.discount)}`);
    lines.push(`Total for the year: ${m(p.total)} (${m(p.effectiveUnitPrice)} per user per month)`);
  } else if (p.term === "annual") {
    lines.push(`Total for the year: ${m(p.total)}`);
  } else {
    lines.push(`Billed monthly: ${m(p.perMonth)} per month, ${m(p.total)} over 12 months (no annual discount)`);
  }
  return lines;
}

export function slugOf(name: string): string {
  return (
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "customer"
  );
}

export function proposalTitle(p: Proposal): string {
  return `Proposal for ${p.company}: ${p.product}, ${p.users} users, ${p.term === "annual" ? "annual contract" : "monthly billing"}`;
}

/** Markdown: headings, the pricing as a table, the terms. Characters that Markdown reads as markup are escaped in names. */
export function proposalMarkdown(p: Proposal): string {
  const m = (n: number) => formatMoney(n, p.currency);
  const esc = (s: string) => s.replace(/([\\`*_[\]<>|#])/g, "\\$1");
  const rows: [string, string][] = [
    ["Users", String(p.users)],
    ["List price per user per month", m(p.unitPrice)],
    ["Per month at list price", m(p.monthlyList)],
    ["12 months at list price", m(p.annualList)],
  ];
  if (p.term === "annual") {
    rows.push([`Annual contract discount (${p.discountPct}%)`, `-${m(p.discount)}`]);
    rows.push(["**Total for the year**", `**${m(p.total)}**`]);
    rows.push(["Effective price per user per month", m(p.effectiveUnitPrice)]);
  } else {
    rows.push(["**Per month**", `**${m(p.perMonth)}**`]);
    rows.push(["Over 12 months", m(p.total)]);
  }
  const lines = [
    `# ${esc(proposalTitle(p))}`,
    "",
    `Date: ${p.today}  `,
    `Valid until: ${p.validUntil}  `,
    ...(p.deal
      ? [
          `Deal: [${esc(p.deal.name)}](${p.deal.url}) (${esc(p.deal.stage)}${p.deal.owner ? `, ${esc(p.deal.owner)}` : ""})`,
        ]
      : []),
    "",
    "## Pricing",
    "",
    "| Item | Amount |",
    "| --- | ---: |",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    "",
    "## Terms",
    "",
    `- Prices in ${p.currency}, excluding taxes.`,
    p.term === "annual"
      ? `- Annual contract for ${p.users} users, invoiced once a year in advance.`
      : `- Monthly billing for ${p.users} users; cancel at the end of any month.`,
    `- These prices hold until ${p.validUntil}.`,
    "",
  ];
  return lines.join("\n");
}

/**
 * The same proposal as a PDF (pdfkit, standard Helvetica: no font files to ship). pdfkit is
 * loaded on the first proposal, so a process that never makes one never loads it.
 */
export async function proposalPdf(p: Proposal, options: { compress?: boolean } = {}): Promise<Uint8Array> {
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({
    size: "A4",
    margin: 56,
    compress: options.compress ?? true,
    info: { Title: proposalTitle(p), Subject: `${p.product} proposal`, Creator: "daybook" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on("error", reject);
  });
  const m = (n: number) => formatMoney(n, p.currency);
  doc.font("Helvetica-Bold").fontSize(18).text(`Proposal for ${p.company}`);
  doc.moveDown(0.3);
  doc
    .font("Helvetica")
    .fontSize(11)
    .text(`${p.product}, ${p.users} users, ${p.term === "annual" ? "annual contract" : "monthly billing"}`);
  doc.text(`Date: ${p.today}. Valid until: ${p.validUntil}.`);
  if (p.deal) doc.text(`Deal: ${p.deal.name} (${p.deal.stage}${p.deal.owner ? `, ${p.deal.owner}` : ""})`);
  doc.moveDown();
  doc.font("Helvetica-Bold").fontSize(13).text("Pricing");
  doc.moveDown(0.4);
  const rows: [string, string, boolean][] = [
    ["Users", String(p.users), false],
    ["List price per user per month", m(p.unitPrice), false],
    ["Per month at list price", m(p.monthlyList), false],
    ["12 months at list price", m(p.annualList), false],
  ];
  if (p.term === "annual") {
    rows.push([`Annual contract discount (${p.discountPct}%)`, `-${m(p.discount)}`, false]);
    rows.push(["Total for the year", m(p.total), true]);
    rows.push(["Effective price per user per month", m(p.effectiveUnitPrice), false]);
  } else {
    rows.push(["Per month", m(p.perMonth), true]);
    rows.push(["Over 12 months", m(p.total), false]);
  }
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  for (const [label, amount, bold] of rows) {
    const y = doc.y;
    doc
      .font(bold ? "Helvetica-Bold" : "Helvetica")
      .fontSize(11)
      .text(label, left, y, { width: width * 0.65 });
    doc.text(amount, left + width * 0.65, y, { width: width * 0.35, align: "right" });
    doc.moveDown(0.3);
  }
  doc.moveDown();
  doc.font("Helvetica-Bold").fontSize(13).text("Terms", left);
  doc.moveDown(0.4);
  doc.font("Helvetica").fontSize(11);
  doc.text(`Prices in ${p.currency}, excluding taxes.`);
  doc.text(
    p.term === "annual"
      ? `Annual contract for ${p.users} users, invoiced once a year in advance.`
      : `Monthly billing for ${p.users} users; cancel at the end of any month.`,
  );
  doc.text(`These prices hold until ${p.validUntil}.`);
  doc.end();
  return done;
}

/** Both documents as chat files, named after the company and the date. */
export async function proposalFiles(p: Proposal): Promise<ChatFile[]> {
  const base = `proposal-${slugOf(p.company)}-${p.today}`;
  const summary = pricingLines(p).join("; ");
  return [
    {
      name: `${base}.md`,
      mimeType: "text/markdown",
      bytes: new TextEncoder().encode(proposalMarkdown(p)),
      title: `${proposalTitle(p)} (Markdown)`,
      fallbackText: summary,
    },
    {
      name: `${base}.pdf`,
      mimeType: "application/pdf",
      bytes: await proposalPdf(p),
      title: `${proposalTitle(p)} (PDF)`,
      fallbackText: summary,
    },
  ];
}
