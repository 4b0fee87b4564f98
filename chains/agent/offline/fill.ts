/**
 * Choosing a bound tool for a question and filling its arguments: words matched against each
 * tool's (rarer words weigh more), the subject's kind against its parameters, and each parameter
 * filled from the question's slots, the subject or the requester, never from a guess.
 */
import type { ToolDomain } from "../../../src/core/principal.ts";
import { mentionedDomains } from "../domains.ts";
import type { KnownEntity } from "../known-entity.ts";
import type { EntityRef, RefKind } from "../refs.ts";
import { dueDateIn } from "./due-date.ts";
import { readFilter } from "./filters.ts";
import { assigneeIn, personIn, withoutAssignment } from "./people.ts";
import { escapeRe, invoiceIn, monthIn, periodIn, writeBody } from "./slots.ts";
import { type ParamInfo, type ToolInfo, terms } from "./tool-info.ts";
import type { Ctx } from "./turn.ts";

export function domainOfKind(kind: RefKind): ToolDomain | undefined {
  if (kind === "issue") return "jira";
  if (kind === "deal" || kind === "customer" || kind === "company") return "crm";
  if (kind === "invoice" || kind === "transaction") return "accounting";
  return undefined;
}

export function humanize(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
}

/**
 * Breaks a tie between tools that matched the same words: the one named for them wins
 * ("invoices from <vendor>" is accounting_invoices, not the close exceptions whose examples
 * mention duplicate invoices), so no organisation's names in the examples are needed to decide.
 */
export function nameHits(tool: ToolInfo, q: string): number {
  let hits = 0;
  for (const term of terms(q, false)) if (tool.nameTerms.has(term)) hits++;
  return hits;
}

export function scoreTool(
  tool: ToolInfo,
  q: string,
  subject: EntityRef | undefined,
  viaFollowUp: boolean,
  ctx: Ctx,
): number {
  const qTerms = terms(q, true);
  let score = 0;
  for (const term of qTerms) {
    if (!tool.terms.has(term)) continue;
    const df = ctx.tools.filter((t) => t.terms.has(term)).length;
    score += Math.log(1 + ctx.tools.length / df);
  }
  if (subject) {
    const paramNames = tool.params
      .map((p) => p.name)
      .join(" ")
      .toLowerCase();
    const paramText = tool.params
      .map((p) => p.description)
      .join(" ")
      .toLowerCase();
    const kindWords: Record<RefKind, RegExp> = {
      issue: /\b(key|issue)/,
      deal: /deal/,
      customer: /(customer|company|account)/,
      company: /(company|customer|account|target)/,
      invoice: /invoice/,
      transaction: /transaction/,
      other: /$^/,
    };
    // A parameter named for the entity ("customer", "dealId", "key") beats one whose
    // description merely mentions it ("Deal or company name").
    if (kindWords[subject.kind].test(paramNames)) score += viaFollowUp ? 3 : 1.5;
    else if (kindWords[subject.kind].test(paramText)) score += viaFollowUp ? 1 : 0.5;
    else if (tool.params.some((p) => tool.required.has(p.name))) score -= 1;
    // "and the second one?" asks for the detail of a listed item.
    if (viaFollowUp && /(detail|get|lookup|find)/.test(tool.name)) score += 0.5;
  }
  if (subject === undefined && [...tool.required].some((r) => /(id|key|name|customer|deal|company)$/i.test(r)))
    score -= 1;
  // "last month's close" names accounting; a CRM tool about closed deals shares words, not the topic.
  const about = subject ? domainOfKind(subject.kind) : undefined;
  const said = mentionedDomains(q, about);
  // A question about a record with no system word ("what's the latest on <company>?") is about that record's system.
  const named = said.length === 0 && about ? [about] : said;
  if (named.length > 0 && tool.domain && !named.includes(tool.domain)) score -= 2;
  return score;
}

export type Filled = { ok: true; value: Record<string, unknown> } | { ok: false; missing: string[] };

export function fillArgs(tool: ToolInfo, ctx: Ctx, subject: EntityRef | undefined): Filled {
  const q = ctx.turn.question;
  const value: Record<string, unknown> = {};
  const missing: string[] = [];
  const lower = q.toLowerCase();
  for (const p of tool.params) {
    const n = p.name.toLowerCase();
    const required = tool.required.has(p.name);
    // The agent fills who a write is for from the requester (agent.ts), never the question.
    if (p.name === "onBehalfOf") continue;
    let v: unknown;
    // Filters a person says ("unreconciled", "awaiting approval", "from <vendor>"): offline/filters.ts.
    const filter = tool.write ? undefined : readFilter(p, q);
    if (filter !== undefined) {
      value[p.name] = filter;
      continue;
    }
    if (p.enum) {
      v = p.enum.find((e) => new RegExp(`\\b${escapeRe(e.toLowerCase())}\\b`).test(lower));
      if (v === undefined && required && subject && /kind|type/.test(n)) v = enumForSubject(p.enum, subject);
      if (v === undefined && required && !p.hasDefault) v = p.enum[0];
      if (v === undefined && p.hasDefault) continue;
    } else if (p.type === "object" && p.properties) {
      const onDeal = /\bdeal\b/i.test(q) && subject && subject.kind !== "deal";
      v = fillTarget(p, (onDeal && relatedEntity("deal", subject, ctx.entities)) || subject);
    } else if (n === "period") {
      v = periodIn(q, ctx.turn);
    } else if (/month/.test(n)) {
      v = monthIn(q, ctx.turn) ?? (required ? ctx.turn.today.slice(0, 7) : undefined);
    } else if (/owner/.test(n)) {
      if (/\b(my|me|mine|i)\b/i.test(q) && ctx.turn.crmOwnerId) v = ctx.turn.crmOwnerId;
      else v = personIn(q, ctx.entities)?.id;
    } else if (tool.write && /due/.test(n)) {
      v = dueDateIn(q, ctx.turn.today);
    } else if (/assignee/.test(n)) {
      v = (tool.write ? assigneeIn(q, ctx.entities, ctx.turn.requesterName) : personIn(q, ctx.entities))?.name;
    } else if (tool.write && /(body|text|note|comment|summary|description|message|reason)/.test(n)) {
      v = writeBody(
        tool.write && /summary|title|description/.test(n) ? withoutAssignment(q, assigneeIn(q, ctx.entities)) : q,
        n,
      );
    } else if (/(^|_)(issue)?key$|issuekey/.test(n)) {
      v = subject?.kind === "issue" ? subject.id : undefined;
    } else if (/invoice|number/.test(n)) {
      v = subject?.kind === "invoice" ? (subject.name ?? subject.id) : invoiceIn(q);
    } else if (tool.write && n === "stage") {
      v = /\b(?:to|as|into)\s+([A-Za-z][A-Za-z ]{1,40})$/i.exec(q.trim().replace(/[.!?]+$/, ""))?.[1]?.trim();
    } else if (p.type === "string" && /id$/.test(n)) {
      const ref = subject && !kindMatches(n, subject.kind) ? relatedEntity(n, subject, ctx.entities) : subject;
      v = ref && kindMatches(n, ref.kind) ? (ref.id ?? ref.name) : undefined;
    } else if (p.type === "string" && /(name|customer|deal|company|account|query|search|target|text)/.test(n)) {
      v =
        subject && (subject.kind !== "issue" || /text|query|search/.test(n)) ? (subject.name ?? subject.id) : undefined;
    } else if ((p.type === "number" || p.type === "integer") && /days?$/.test(n)) {
      const m = /\b(\d{1,3})\s*days?\b/.exec(lower);
      v = m ? Number(m[1]) : undefined;
    }
    if (v === undefined || v === "") {
      if (required) missing.push(p.name);
      continue;
    }
    value[p.name] = v;
  }
  // A description that only repeats the summary says nothing more.
  if (tool.write && value.description !== undefined && value.description === value.summary) delete value.description;
  return missing.length > 0 ? { ok: false, missing } : { ok: true, value };
}

/** "move <company> to Closed Won": the company was named, the tool wants its (only) open deal. */
export function relatedEntity(paramName: string, subject: EntityRef, entities: KnownEntity[]): EntityRef | undefined {
  if (!/deal/.test(paramName) || !subject.name) return undefined;
  const prefix = subject.name.toLowerCase();
  const deals = entities.filter((e) => e.kind === "deal" && e.name.toLowerCase().startsWith(prefix));
  const unique = [...new Map(deals.map((d) => [d.id ?? d.name, d])).values()];
  const only = unique.length === 1 ? unique[0] : undefined;
  return only ? { kind: "deal", name: only.name, ...(only.id ? { id: only.id } : {}) } : undefined;
}

export function kindMatches(paramName: string, kind: RefKind): boolean {
  if (/deal/.test(paramName)) return kind === "deal";
  if (/(customer|company|account)/.test(paramName)) return kind === "customer" || kind === "company";
  if (/issue/.test(paramName)) return kind === "issue";
  if (/invoice/.test(paramName)) return kind === "invoice";
  return true;
}

export function enumForSubject(options: string[], subject: EntityRef): string | undefined {
  const want = subject.kind === "customer" ? "company" : subject.kind;
  return options.find((o) => o.toLowerCase() === want);
}

/** Fills a `{ kind, id }`-style target object from the subject. */
export function fillTarget(p: ParamInfo, subject: EntityRef | undefined): Record<string, unknown> | undefined {
  if (!subject || !p.properties) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(p.properties)) {
    if (s.enum) {
      const e = enumForSubject(s.enum, subject);
      if (e) out[name] = e;
    } else if (/id$/i.test(name)) {
      if (subject.id) out[name] = subject.id;
    } else if (/name/i.test(name)) {
      if (subject.name) out[name] = subject.name;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
