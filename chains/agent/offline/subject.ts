/**
 * Which record a question is about: one it names, else the item of the previous answer an
 * ordinal points at ("the second one"), else the previous answer's subject when the question
 * continues its topic (follow-up.ts decides that).
 */
import type { ToolDomain } from "../../../src/core/principal.ts";
import { mentionedDomains } from "../domains.ts";
import { continuesPreviousTopic } from "../follow-up.ts";
import type { EntityRef, RefKind } from "../refs.ts";
import { howToWin } from "./crm-intents.ts";
import { domainOfKind, relatedEntity } from "./fill.ts";
import { findEntity, invoiceIn, ordinalIn, referenceIn } from "./slots.ts";
import type { Ctx } from "./turn.ts";

export function questionDomains(text: string, subject: EntityRef | undefined, thread?: ToolDomain): ToolDomain[] {
  const d = subject ? domainOfKind(subject.kind) : thread;
  const out = mentionedDomains(text, d);
  if (d && !out.includes(d)) out.push(d);
  return out;
}

function preferredKinds(text: string): RefKind[] {
  if (/\b(risk|churn|health|usage|customer|account)\b/i.test(text)) return ["customer", "company", "deal"];
  // "how do we win <name>?" asks about a deal, even when a customer has a similar name.
  if (/\b(deal|pipeline|stage|close date|amount)\b/i.test(text) || howToWin.test(text))
    return ["deal", "company", "customer"];
  if (/\b(log|call|note)\b/i.test(text)) return ["company", "customer", "deal"];
  return ["customer", "deal", "company", "issue", "invoice"];
}

const writeHead = /^\s*(?:please\s+)?(?:log|record|add|note|comment|write)\b[^:]{2,120}:/i;

function namesRecord(text: string, ctx: Ctx): boolean {
  return (
    referenceIn(text, ctx.entities) !== undefined ||
    invoiceIn(text) !== undefined ||
    findEntity(text, ctx.entities, preferredKinds(text)) !== undefined
  );
}

/** The entity a follow-up refers to, from the question or the thread's earlier turns. */
export function resolveSubject(ctx: Ctx): { subject: EntityRef | undefined; viaFollowUp: boolean } {
  const asked = ctx.turn.question;
  // "log a call with <customer>: <what was said>": the record is named before the colon; what
  // follows is the note's text, which may name other records (or carry a pasted order to
  // "approve invoice ...") that must not become the write's target.
  const head = writeHead.exec(asked)?.[0];
  const q = head && namesRecord(head, ctx) ? head : asked;
  const reference = referenceIn(q, ctx.entities);
  if (reference?.kind === "issue") return { subject: { kind: "issue", id: reference.ref }, viaFollowUp: false };
  if (reference?.kind === "invoice") return { subject: { kind: "invoice", name: reference.ref }, viaFollowUp: false };
  const inv = invoiceIn(q);
  if (inv) return { subject: { kind: "invoice", name: inv }, viaFollowUp: false };
  const named = findEntity(q, ctx.entities, preferredKinds(q));
  if (named) {
    const subject: EntityRef = { kind: named.kind, name: named.name, ...(named.id ? { id: named.id } : {}) };
    // "the <company> deal" names a company but asks about its deal; the word, not the tool's
    // wording, decides which record the question is about.
    // A company that is no customer ("what's the latest on <prospect>?") is known through its deal.
    const prospect =
      named.kind === "company" &&
      !ctx.entities.some((e) => e.kind === "customer" && e.name.toLowerCase() === named.name.toLowerCase());
    const deal =
      named.kind !== "deal" && (prospect || /\bdeal\b/i.test(q) || howToWin.test(q))
        ? relatedEntity("deal", subject, ctx.entities)
        : undefined;
    return { subject: deal ?? subject, viaFollowUp: false };
  }
  const last = ctx.turn.previous.at(-1);
  if (!last) return { subject: undefined, viaFollowUp: false };
  const n = ordinalIn(q);
  if (n !== undefined && last.refs.length > 0) {
    const ref = n < 0 ? last.refs.at(-1) : last.refs[n];
    if (ref) return { subject: ref, viaFollowUp: true };
  }
  // A question with its own subject or intent starts clean (follow-up.ts), however short.
  if (continuesPreviousTopic(q)) {
    const carried = last.subject ?? (last.refs.length === 1 ? last.refs[0] : undefined);
    // "how is the sprint going?" after a customer question starts a new topic.
    const named = carried ? mentionedDomains(q, domainOfKind(carried.kind)) : mentionedDomains(q);
    if (carried && (named.length === 0 || named.includes(domainOfKind(carried.kind) as ToolDomain))) {
      return { subject: carried, viaFollowUp: true };
    }
  }
  return { subject: undefined, viaFollowUp: false };
}
