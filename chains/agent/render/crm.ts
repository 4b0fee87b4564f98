/**
 * CRM results in chat: the deals that need someone today, one deal, one customer's churn
 * risk, the at-risk list. Money is in each record's own currency.
 */
import { type EntityRef, refOf } from "../refs.ts";
import type { Fields } from "./fields.ts";
import type { ShapeRenderer } from "./shape.ts";
import { days, isObj, listed, lowerFirst, objs, pctOf, plural, recent, str, upperFirst, words } from "./text.ts";
import type { Obj, RenderedReply } from "./types.ts";

function dealTitle(d: Obj): string {
  const name = str(d.name) ?? "(unnamed deal)";
  return typeof d.url === "string" ? `[${name}](${d.url})` : `**${name}**`;
}

/** "$250,000, 85%" */
function dealValue(d: Obj, f: Fields): string {
  return [
    typeof d.amount === "number" ? f.money(d.amount, d) : undefined,
    typeof d.probability === "number" ? pctOf(d.probability) : undefined,
  ]
    .filter(Boolean)
    .join(", ");
}

/** Why a deal needs attention now, from its urgency tags and the tool's own day counts. */
function urgencyPhrase(d: Obj, f: Fields): string[] {
  const tags = Array.isArray(d.urgency) ? d.urgency.filter((u): u is string => typeof u === "string") : [];
  return tags.map((tag) => {
    if (tag === "replied") return `replied ${f.when(d.lastInboundAt) ?? "recently"}`;
    if (tag === "meeting_today" || tag === "meeting_soon") {
      const at = f.when(d.nextMeetingAt, true);
      return at ? `meeting ${at}` : words(tag);
    }
    if (tag === "silent") return typeof d.silentDays === "number" ? `silent for ${days(d.silentDays)}` : "gone silent";
    if (tag === "ghosted")
      return typeof d.silentDays === "number" ? `no reply for ${days(d.silentDays)}` : "no reply since the demo";
    return words(tag);
  });
}

/** The tool's next step without its restated reason ("Silent for 5 days: re-engage ..."). */
function nextStepOf(d: Obj): string | undefined {
  const step = str(d.nextStep);
  if (!step) return undefined;
  const colon = step.indexOf(": ");
  return colon >= 0 && colon < step.length - 2 ? step.slice(colon + 2) : lowerFirst(step);
}

function dealsReply(v: Obj, f: Fields): RenderedReply {
  const deals = objs(v.deals);
  const urgent = deals.filter((d) => Array.isArray(d.urgency) && d.urgency.length > 0);
  const calm = deals.filter((d) => !urgent.includes(d));
  const more = typeof v.more === "number" ? v.more : 0;
  const open = v.openDeals as number;
  const lines: string[] = [];
  if (urgent.length === 0) {
    lines.push(`None of your ${plural(open, "open deal")} needs you urgently today.`);
  } else {
    lines.push(
      `${plural(urgent.length, "deal needs", "deals need")} you today${open > urgent.length ? ` (of ${open} open)` : ""}:`,
    );
    for (const d of urgent.slice(0, 6)) {
      const why = urgencyPhrase(d, f).join(", ");
      const step = nextStepOf(d);
      lines.push(`- ${dealTitle(d)} (${dealValue(d, f)}) ${why}${step ? `: ${step}` : ""}.`);
    }
    if (urgent.length > 6) lines.push(`- and ${urgent.length - 6} more`);
  }
  const top = calm[0];
  if (calm.length > 0 || more > 0) {
    const rest = [calm.length > 0 ? `${calm.length} more listed` : "", more > 0 ? `${more} further down` : ""]
      .filter(Boolean)
      .join(", ");
    lines.push(
      `Nothing urgent on the rest (${rest})${top ? `; the biggest of those is ${dealTitle(top)} (${dealValue(top, f)})` : ""}.`,
    );
  }
  const pipeline = (p: Obj) =>
    `${f.money(p.pipeline, p)}${typeof p.weightedPipeline === "number" ? ` (${f.money(p.weightedPipeline, p)} weighted)` : ""}`;
  if (typeof v.pipeline === "number") lines.push(`Pipeline: ${pipeline(v)}.`);
  // Deals in several currencies: one figure per currency, as the tool gives them.
  const perCurrency = objs(v.pipelineByCurrency).filter((p) => typeof p.pipeline === "number");
  if (perCurrency.length > 0)
    lines.push(
      `Pipeline: ${perCurrency.map((p) => `${pipeline(p)}${typeof p.deals === "number" ? ` over ${plural(p.deals, "deal")}` : ""}`).join("; ")}.`,
    );
  const shown = [...urgent, ...calm].map((d) => refOf(d, "deal")).filter((r): r is EntityRef => r !== undefined);
  return { text: lines.join("\n"), refs: shown };
}

function dealReply(d: Obj, f: Fields): string {
  const facts = [
    dealValue(d, f),
    typeof d.weighted === "number" ? `${f.money(d.weighted, d)} weighted` : undefined,
    str(d.stage) ? `in ${d.stage}` : undefined,
    str(d.closeDate) ? `closing ${f.when(d.closeDate)}` : undefined,
  ].filter(Boolean);
  const company = str(d.company) && !String(d.name).startsWith(String(d.company)) ? ` (${d.company})` : "";
  const lines = [`${dealTitle(d)}${company}: ${facts.join(", ")}.${str(d.owner) ? ` Owner: ${d.owner}.` : ""}`];
  const why = urgencyPhrase(d, f);
  const step = nextStepOf(d);
  if (why.length > 0 || step)
    lines.push(`${why.length > 0 ? `${upperFirst(why.join(", "))}` : "Next"}${step ? `: ${step}` : ""}.`);
  const contacts = objs(d.contacts);
  if (contacts.length > 0)
    lines.push(
      `Contact: ${contacts
        .slice(0, 2)
        .map((c) => [str(c.name), str(c.title)].filter(Boolean).join(", "))
        .join("; ")}`,
    );
  const acts = recent(objs(d.activities), 3);
  if (acts.length > 0) lines.push("Recent activity:", ...acts.map((a) => activityLine(a, f)));
  return lines.join("\n");
}

function activityLine(a: Obj, f: Fields): string {
  const kind = [str(a.direction) === "inbound" ? "inbound" : undefined, str(a.type)].filter(Boolean).join(" ");
  const when = f.when(a.at, true);
  const head = [when, kind].filter(Boolean).join(", ");
  const by = str(a.by) ? ` (${a.by})` : "";
  return `- ${head ? `${upperFirst(head)}: ` : ""}${str(a.summary) ?? ""}${by}`;
}

function customerTitle(c: Obj): string {
  const name = str(c.name) ?? "(unnamed customer)";
  return typeof c.url === "string" ? `[${name}](${c.url})` : `**${name}**`;
}

function healthReply(c: Obj, f: Fields): string {
  const level = str(c.level);
  const facts = [
    typeof c.arr === "number" ? `${f.money(c.arr, c)} ARR` : undefined,
    str(c.plan) ? `${c.plan} plan` : undefined,
    str(c.owner) ? `owner ${c.owner}` : undefined,
  ].filter(Boolean);
  const lines = [
    `${customerTitle(c)} is at **${level ?? "unknown"}** churn risk (score ${c.score})${facts.length > 0 ? `: ${facts.join(", ")}` : ""}.`,
  ];
  const signals = (c.signals as unknown[]).map(signalText).filter((s): s is string => s !== undefined);
  const said = signals.join(" ").toLowerCase();
  if (typeof c.adminLastLoginDaysAgo === "number" && !/admin/.test(said))
    signals.push(`admin last logged in ${days(c.adminLastLoginDaysAgo)} ago`);
  for (const t of objs(c.openTickets)) {
    const subject = str(t.subject);
    if (subject && !said.includes(subject.toLowerCase()))
      signals.push(`open ticket "${subject}"${str(t.id) ? ` (\`${t.id}\`)` : ""}`);
  }
  if (signals.length > 0) lines.push("Why:", ...signals.slice(0, 6).map((s) => `- ${s}`));
  if (str(c.suggestedAction)) lines.push(`**Do:** ${c.suggestedAction}.`.replace(/\.\.$/, "."));
  const admin = objs(c.contacts)[0];
  if (admin && str(admin.name))
    lines.push(`Contact: ${[admin.name, str(admin.title), str(admin.email)].filter(Boolean).join(", ")}`);
  const acts = recent(objs(c.activities), 2);
  if (acts.length > 0) lines.push("Latest:", ...acts.map((a) => activityLine(a, f)));
  return lines.join("\n");
}

function signalText(s: unknown): string | undefined {
  if (typeof s === "string") return s;
  if (isObj(s)) return str(s.detail) ?? str(s.kind);
  return undefined;
}

/** " (€20,000 ARR)", or per currency " (€20,000 and $5,000 ARR)" when customers mix them. */
function highArr(v: Obj, f: Fields): string {
  if (typeof v.arrAtHighRisk === "number") return ` (${f.money(v.arrAtHighRisk, v)} ARR)`;
  const parts = objs(v.arrAtHighRiskByCurrency)
    .filter((t) => typeof t.arr === "number")
    .map((t) => f.money(t.arr, t));
  return parts.length > 0 ? ` (${parts.join(" and ")} ARR)` : "";
}

function riskListReply(v: Obj, f: Fields): string {
  const counts = v.riskCounts as Obj;
  const list = objs(v.atRisk);
  const parts = [
    typeof counts.high === "number"
      ? `${plural(counts.high, "customer is", "customers are")} at high churn risk${highArr(v, f)}`
      : undefined,
    typeof counts.medium === "number" && counts.medium > 0 ? `${counts.medium} at medium risk` : undefined,
  ].filter(Boolean);
  const lines = [`${parts.join(", ") || "Churn risk by customer"}:`];
  lines.push(
    ...listed(
      list,
      (c) => {
        const signals = Array.isArray(c.signals) ? c.signals.map(signalText).filter(Boolean).join("; ") : "";
        const facts = [str(c.level), typeof c.arr === "number" ? `${f.money(c.arr, c)} ARR` : undefined]
          .filter(Boolean)
          .join(", ");
        const action = str(c.suggestedAction) ? ` → ${c.suggestedAction}` : "";
        return `- ${customerTitle(c)} (${facts})${signals ? `: ${signals}` : ""}${action}`;
      },
      6,
    ),
  );
  return lines.join("\n");
}

export const crmRenderers: readonly ShapeRenderer[] = [
  {
    shape: "deals needing attention",
    matches: (v) => Array.isArray(v.deals) && typeof v.openDeals === "number",
    render: dealsReply,
  },
  {
    shape: "customer health",
    matches: (v) => Array.isArray(v.signals) && typeof v.score === "number",
    render: healthReply,
  },
  { shape: "churn risk list", matches: (v) => Array.isArray(v.atRisk) && isObj(v.riskCounts), render: riskListReply },
  {
    shape: "one deal",
    matches: (v) => typeof v.stage === "string" && typeof v.probability === "number" && typeof v.name === "string",
    render: dealReply,
  },
];
