/**
 * Writes the offline model's reply from a compact JSON tool result, the way a colleague would
 * put it in chat: a one-line answer first, then the few items that matter with their human
 * fields ($250,000, 85%, "waiting on another team", "this morning").
 *
 * Grounding (ARCHITECTURE.md, decision 2): every figure is a tool value shown in another form
 * (0.85 as 85%, 250000 as $250,000, "2026-11-24T14:00Z" as "tomorrow 2:00 PM UTC") or a count
 * of the items a tool returned. Nothing is estimated, summed or subtracted here; day counts
 * ("silent 5 days") are the tool's own fields, never computed from timestamps.
 */
import { type EntityRef, refOf } from "./refs.ts";

/** The clock and timezone relative times are written against. */
export interface RenderContext {
  now: number;
  /** IANA timezone the turn context names; UTC by default. */
  timeZone?: string;
}

export interface RenderedReply {
  text: string;
  /**
   * Entities in the order the reply shows them, when that differs from the tool's order, so
   * "and the second one?" means the second item the person saw.
   */
  refs?: EntityRef[];
}

type Obj = Record<string, unknown>;

const maxItems = 10;
const maxText = 3_000;
const titleKeys = ["name", "title", "summary", "key", "number", "subject", "account", "description", "id"];
const skipKeys = new Set(["url", "id", "lc", "type_"]);

// ---------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------

/** The reply for one tool result; the shape of the result picks the wording. */
export function renderReply(
  tool: string,
  description: string,
  content: string,
  value: unknown,
  ctx: RenderContext,
): RenderedReply {
  // A tool's refusal or failure ({ error, code }) is already a user-safe sentence: say it as
  // a colleague would, without a heading or the error code.
  if (isObj(value) && typeof value.error === "string") return { text: clip(upperFirst(value.error)) };
  if (isObj(value) && !("error" in value)) {
    const specific = renderKnownShape(value, ctx);
    if (specific) {
      // A result read from a listing cut at a connector's safety cap says so, whatever its shape.
      const partial = Array.isArray(value.partial) ? value.partial.filter((p) => typeof p === "string") : [];
      const text = partial.length > 0 ? `${specific.text}\n_${upperFirst(partial.join("; "))}._` : specific.text;
      return { text: clip(text), ...(specific.refs ? { refs: specific.refs } : {}) };
    }
  }
  return { text: renderToolOutput(tool, description, content, value, ctx) };
}

/** A generic rendering: a heading, then the result's fields with human values. */
export function renderToolOutput(
  tool: string,
  _description: string,
  content: string,
  value: unknown,
  ctx: RenderContext = { now: Date.now() },
): string {
  const heading = `**${label(tool.replace(/^(jira|crm|accounting)_/, ""))}**`;
  if (value === undefined) return `${heading}\n${clip(content.trim())}`;
  const r = new Fields(ctx, currencyIn(value));
  const lines = [heading, ...r.value(value, 0)];
  return clip(lines.join("\n"));
}

function renderKnownShape(v: Obj, ctx: RenderContext): RenderedReply | undefined {
  const f = new Fields(ctx, currencyIn(v));
  // An export (tools/*/export-tools.ts): its sentence; the file itself follows in the thread.
  if (typeof v.exported === "string" && Array.isArray(v.files)) return { text: v.exported };
  if (Array.isArray(v.deals) && typeof v.openDeals === "number") return dealsReply(v, f);
  if (isObj(v.counts) && Array.isArray(v.invoicesWithoutPo)) return { text: closeReply(v, f) };
  if (isObj(v.progress) && isObj(v.sprint)) return { text: sprintReply(v, f) };
  if (Array.isArray(v.blockers) && typeof v.sprint === "string") return { text: blockersReply(v, f) };
  if (Array.isArray(v.signals) && typeof v.score === "number") return { text: healthReply(v, f) };
  if (Array.isArray(v.atRisk) && isObj(v.riskCounts)) return { text: riskListReply(v, f) };
  if (typeof v.stage === "string" && typeof v.probability === "number" && typeof v.name === "string")
    return { text: dealReply(v, f) };
  if (typeof v.key === "string" && typeof v.summary === "string" && typeof v.status === "string")
    return { text: issueReply(v, f) };
  if (Array.isArray(v.issues)) return { text: issuesReply(v) };
  if (typeof v.number === "string" && typeof v.total === "number") return { text: invoiceReply(v, f) };
  if (Array.isArray(v.invoices) && typeof v.count === "number") return { text: invoicesReply(v, f) };
  if (Array.isArray(v.expenses) && typeof v.netProfit === "number") return { text: pnlReply(v, f) };
  if (Array.isArray(v.transactions) && isObj(v.totals)) return { text: bankReply(v, f) };
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Jira
// ---------------------------------------------------------------------------------------

const blockerReasons: Record<string, string> = {
  flagged: "flagged",
  blocked_status: "in a blocked status",
  waiting_on_team: "waiting on another team",
  blocked_by_issue: "blocked by another issue",
  stale: "no movement",
};

function issueLink(i: Obj): string {
  const key = str(i.key) ?? "";
  const ref = typeof i.url === "string" ? `[${key}](${i.url})` : `\`${key}\``;
  return [ref, str(i.summary)].filter(Boolean).join(" ");
}

function blockerLine(b: Obj): string {
  const facts = [
    str(b.owner) ? `**${b.owner}**` : "unassigned",
    typeof b.blockedDays === "number" ? `blocked ${days(b.blockedDays)}` : undefined,
    str(b.reason) ? (blockerReasons[b.reason as string] ?? words(b.reason as string)) : undefined,
    b.flagged === true && b.reason !== "flagged" ? "flagged" : undefined,
  ].filter(Boolean);
  const detail = str(b.detail) ? `: ${b.detail}` : "";
  return `- ${issueLink(b)} (${facts.join(", ")})${detail}`;
}

function atRiskLine(i: Obj): string {
  const who = [str(i.assignee), str(i.status)].filter(Boolean).join(", ");
  return `- ${issueLink(i)}${who ? ` (${who})` : ""}${str(i.reason) ? `: ${i.reason}` : ""}`;
}

function blockersReply(v: Obj, _f: Fields): string {
  const blockers = objs(v.blockers);
  const atRisk = objs(v.atRisk);
  const sprint = String(v.sprint);
  const lines =
    blockers.length === 0
      ? [`Nothing is blocking **${sprint}** right now.`]
      : [
          `${plural(blockers.length, "story is", "stories are")} blocking **${sprint}**:`,
          ...listed(blockers, blockerLine, 6),
        ];
  if (atRisk.length > 0) lines.push("", "Also at risk:", ...listed(atRisk, atRiskLine, 5));
  return lines.join("\n");
}

function sprintReply(v: Obj, _f: Fields): string {
  const sprint = v.sprint as Obj;
  const p = v.progress as Obj;
  const name = str(sprint.name) ?? "The sprint";
  const pct = typeof p.donePct === "number" ? `${p.donePct}% done` : "in progress";
  const detail = [
    typeof p.donePoints === "number" && typeof p.totalPoints === "number"
      ? `${p.donePoints} of ${p.totalPoints} points`
      : undefined,
    typeof p.donePctYesterday === "number"
      ? `${typeof p.donePct === "number" && p.donePct < p.donePctYesterday ? "down" : "up"} from ${p.donePctYesterday}% yesterday`
      : undefined,
  ].filter(Boolean);
  const left = typeof sprint.daysLeft === "number" ? ` with ${days(sprint.daysLeft)} left` : "";
  const lines = [`**${name}** is ${pct}${detail.length > 0 ? ` (${detail.join(", ")})` : ""}${left}.`];
  if (str(sprint.goal)) lines.push(`Goal: _${sprint.goal}_`);
  const blockers = objs(v.blockers);
  const atRisk = objs(v.atRisk);
  const review = objs(v.readyForReview);
  lines.push(
    "",
    blockers.length > 0 ? `Blocked (${blockers.length}):` : "Nothing is blocked.",
    ...listed(blockers, blockerLine, 5),
  );
  if (atRisk.length > 0) lines.push(`At risk (${atRisk.length}):`, ...listed(atRisk, atRiskLine, 5));
  if (review.length > 0)
    lines.push(
      `Ready for review (${review.length}):`,
      ...listed(review, (i) => `- ${issueLink(i)}${str(i.assignee) ? ` (${i.assignee})` : ""}`, 5),
    );
  return lines.join("\n");
}

function issueReply(i: Obj, f: Fields): string {
  const facts = [
    str(i.status),
    str(i.assignee) ?? "unassigned",
    typeof i.points === "number" ? plural(i.points, "point") : undefined,
    str(i.priority) ? `${i.priority} priority` : undefined,
    i.flagged === true ? "flagged" : undefined,
  ].filter(Boolean);
  const lines = [`${issueLink(i)}: ${facts.join(", ")}.`];
  const blockedBy = Array.isArray(i.blockedBy) ? i.blockedBy.filter((b) => typeof b === "string") : [];
  if (blockedBy.length > 0) lines.push(`Blocked by: ${blockedBy.join("; ")}`);
  if (typeof i.daysInStatus === "number")
    lines.push(`${upperFirst(str(i.status) ?? "In this status")} for ${days(i.daysInStatus)}.`);
  if (str(i.description)) lines.push(`_${i.description}_`);
  const last = recent(objs(i.comments), 1)[0];
  if (last)
    lines.push(
      `Latest comment (${[str(last.author), f.when(last.at)].filter(Boolean).join(", ")}): ${str(last.body) ?? ""}`,
    );
  return lines.join("\n");
}

function issuesReply(v: Obj): string {
  const issues = objs(v.issues);
  if (issues.length === 0) return "No issues match.";
  const more = typeof v.more === "number" ? v.more : 0;
  const lines = [`${plural(issues.length, "issue matches", "issues match")}${more > 0 ? ` (and ${more} more)` : ""}:`];
  lines.push(
    ...listed(
      issues,
      (i) => `- ${issueLink(i)} (${[str(i.status), str(i.assignee) ?? "unassigned"].filter(Boolean).join(", ")})`,
      7,
    ),
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------
// CRM
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Accounting
// ---------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------
// Generic fields with human values
// ---------------------------------------------------------------------------------------

const moneyKeys =
  /^(amount|total|arr|pipeline|weighted|weightedPipeline|moneyIn|moneyOut|netProfit|netProfitPrevious|totalIncome|totalExpenses|current|previous|arrAtHighRisk|balance|subtotal)$/;

class Fields {
  readonly #ctx: RenderContext;
  readonly #currency: string | undefined;

  constructor(ctx: RenderContext, currency: string | undefined) {
    this.#ctx = ctx;
    this.#currency = currency;
  }

  /**
   * Money in the record's currency (deals, customers, invoices each carry one), else the
   * result's; USD only for a result that names no currency at all (an empty pipeline's zero).
   */
  money(amount: unknown, record?: Obj): string {
    if (typeof amount !== "number") return String(amount ?? "");
    const currency = (record && str(record.currency)) ?? this.#currency ?? "USD";
    const whole = Number.isInteger(amount);
    try {
      return new Intl.NumberFormat("en-US", {
        style: "currency",
        currency,
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: whole ? 0 : 2,
      }).format(amount);
    } catch {
      return `${amount.toLocaleString("en-US")} ${currency}`;
    }
  }

  /** "November 2026" for "2026-11". */
  month(v: unknown): string {
    const m = typeof v === "string" ? /^(\d{4})-(\d{2})$/.exec(v) : null;
    if (!m) return String(v ?? "month-end");
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return d.toLocaleDateString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
  }

  /**
   * A tool timestamp relative to the clock: "this morning", "yesterday", "tomorrow 2:00 PM UTC";
   * further away, a plain date. Dates without a time ("2026-11-13") are shown as dates.
   */
  when(v: unknown, withTime = false): string | undefined {
    if (typeof v !== "string") return undefined;
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(v);
    const at = Date.parse(dateOnly ? `${v}T00:00:00Z` : v);
    if (!Number.isFinite(at)) return v;
    const tz = dateOnly ? "UTC" : (this.#ctx.timeZone ?? "UTC");
    const day = (t: number) => dayNumber(t, tz);
    const diff = day(at) - day(this.#ctx.now);
    const sameYear = localYear(at, tz) === localYear(this.#ctx.now, tz);
    const date = new Date(at).toLocaleDateString("en-US", {
      month: "short",
      day: "numeric",
      ...(sameYear ? {} : { year: "numeric" }),
      timeZone: tz,
    });
    if (dateOnly) return date;
    const time = `${new Date(at).toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit", timeZone: tz })} ${tzLabel(tz)}`;
    if (diff === 0) {
      if (withTime) return `today ${time}`;
      if (at > this.#ctx.now) return "later today";
      const hour = localHour(at, tz);
      return hour < 12 ? "this morning" : hour < 18 ? "this afternoon" : "this evening";
    }
    if (diff === -1) return withTime ? `yesterday ${time}` : "yesterday";
    if (diff === 1) return withTime ? `tomorrow ${time}` : "tomorrow";
    return withTime ? `${date} ${time}` : `on ${date}`;
  }

  show(key: string, v: string | number | boolean, record: Obj): string {
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") {
      if (moneyKeys.test(key)) return this.money(v, record);
      if (key === "probability" && v >= 0 && v <= 1) return pctOf(v);
      if (/pct$/i.test(key)) return `${v}%`;
      // Thousands separators only; the digits stay exactly the tool's.
      if (Number.isInteger(v) && Math.abs(v) >= 10_000) return v.toLocaleString("en-US");
      return String(v);
    }
    if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z)?$/.test(v)) {
      const w = this.when(v, v.length > 10) ?? v;
      return w.startsWith("on ") ? w.slice(3) : w;
    }
    if (/^[a-z]+(_[a-z]+)+$/.test(v)) return words(v);
    return v;
  }

  value(value: unknown, depth: number): string[] {
    if (scalar(value)) return [this.show("", value, {})];
    if (Array.isArray(value)) return this.list(value, depth);
    if (!isObj(value)) return [];
    const obj = value;
    const lines: string[] = [];
    const { title } = titleOf(obj);
    if (depth === 0 && title && Object.values(obj).every((v) => !Array.isArray(v) || v.length === 0)) {
      // A single record (a deal, a customer): one line of identity, then its fields.
      lines.push(this.inline(obj, 0));
      return lines;
    }
    for (const [k, v] of Object.entries(obj)) {
      if (v === null || v === undefined || v === "" || skipKeys.has(k)) continue;
      if (scalar(v)) lines.push(`${label(k)}: ${this.show(k, v, obj)}`);
      else if (Array.isArray(v)) {
        if (v.length === 0) lines.push(`${label(k)}: none`);
        else if (v.every(scalar)) lines.push(`${label(k)}: ${v.map((x) => this.show("", x, obj)).join(", ")}`);
        else lines.push(`**${label(k)}**`, ...this.list(v, depth + 1));
      } else if (isObj(v)) {
        const nested = this.inline(v, depth + 1);
        if (nested) lines.push(`${label(k)}: ${nested}`);
      }
    }
    return lines;
  }

  inline(obj: Obj, depth: number): string {
    const { title, used } = titleOf(obj);
    const parts: string[] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (k === used || (used === "key+summary" && (k === "key" || k === "summary")) || skipKeys.has(k)) continue;
      if (k === "currency" && Object.keys(obj).some((o) => moneyKeys.test(o))) continue;
      if (v === null || v === undefined || v === "") continue;
      if (scalar(v)) parts.push(`${label(k)}: ${this.show(k, v, obj)}`);
      else if (Array.isArray(v)) {
        if (v.length === 0) continue;
        if (v.every(scalar)) parts.push(`${label(k)}: ${v.map((x) => this.show("", x, obj)).join(", ")}`);
        else if (depth < 2)
          parts.push(
            `${label(k)}: ${v
              .slice(0, 3)
              .map((x) => (isObj(x) ? this.inline(x, depth + 1) : String(x)))
              .join("; ")}`,
          );
      } else if (isObj(v) && depth < 2) {
        const nested = this.inline(v, depth + 1);
        if (nested) parts.push(`${label(k)}: ${nested}`);
      }
    }
    const url = typeof obj.url === "string" ? obj.url : undefined;
    const head = url && title ? `[${title.replace(/\*\*|`/g, "")}](${url})` : title;
    return [head, parts.join(" · ")].filter(Boolean).join(" — ");
  }

  list(items: unknown[], depth: number): string[] {
    const lines = items.slice(0, maxItems).map((item) => {
      if (scalar(item)) return `- ${this.show("", item, {})}`;
      if (isObj(item)) return `- ${this.inline(item, depth)}`;
      return "- ";
    });
    if (items.length > maxItems) lines.push(`- and ${items.length - maxItems} more`);
    return lines;
  }
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

function clip(text: string): string {
  return text.length > maxText ? `${text.slice(0, maxText)}\n_(more available)_` : text;
}

export function label(key: string): string {
  const w = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function words(enumValue: string): string {
  return enumValue.replace(/_/g, " ");
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function scalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** 0.85 -> "85%"; the tool's own precision is kept (0.855 -> "85.5%"). */
function pctOf(p: number): string {
  return `${Math.round(p * 100 * 1000) / 1000}%`;
}

function plural(n: number, one: string, many?: string): string {
  return `${n} ${n === 1 ? one : (many ?? `${one}s`)}`;
}

function days(n: number): string {
  return plural(n, "day");
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s;
}

function listed(items: Obj[], line: (o: Obj) => string, max: number): string[] {
  const out = items.slice(0, max).map(line);
  if (items.length > max) out.push(`- and ${items.length - max} more`);
  return out;
}

/** Newest first; items without a timestamp keep their order at the end. */
function recent(activities: Obj[], n: number): Obj[] {
  const t = (a: Obj) => (typeof a.at === "string" ? Date.parse(a.at) : Number.NEGATIVE_INFINITY);
  return [...activities].sort((a, b) => t(b) - t(a)).slice(0, n);
}

function titleOf(obj: Obj): { title: string; used: string | undefined } {
  // Issue keys lead ("PROJ-12 Fix login") because people refer to issues by key.
  if (typeof obj.key === "string" && typeof obj.summary === "string") {
    return { title: `\`${obj.key}\` ${obj.summary}`, used: "key+summary" };
  }
  for (const k of titleKeys) {
    const v = obj[k];
    if (scalar(v) && String(v).trim() !== "") return { title: `**${String(v)}**`, used: k };
    if (isObj(v) && typeof v.name === "string") return { title: `**${v.name}**`, used: k };
  }
  return { title: "", used: undefined };
}

/** The first currency code a result carries (invoices, P&L), for its uncurrencied amounts. */
function currencyIn(value: unknown, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const c = currencyIn(v, depth + 1);
      if (c) return c;
    }
    return undefined;
  }
  if (!isObj(value)) return undefined;
  if (typeof value.currency === "string" && /^[A-Z]{3}$/.test(value.currency)) return value.currency;
  for (const v of Object.values(value)) {
    if (typeof v !== "object" || v === null) continue;
    const c = currencyIn(v, depth + 1);
    if (c) return c;
  }
  return undefined;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function parts(t: number, tz: string): { y: number; m: number; d: number; h: number } {
  let fmt = partsFormats.get(tz);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      hourCycle: "h23",
    });
    partsFormats.set(tz, fmt);
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour) };
}

function dayNumber(t: number, tz: string): number {
  const p = parts(t, tz);
  return Math.round(Date.UTC(p.y, p.m - 1, p.d) / 86_400_000);
}

function localYear(t: number, tz: string): number {
  return parts(t, tz).y;
}

function localHour(t: number, tz: string): number {
  return parts(t, tz).h;
}

function tzLabel(tz: string): string {
  return tz === "UTC" || tz === "Etc/UTC" ? "UTC" : tz;
}
