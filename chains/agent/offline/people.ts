import type { Ports } from "../../../src/core/domain/ports.ts";
import type { KnownEntity } from "../known-entity.ts";

/**
 * People the offline model should recognise in a question ("what's <person> working on?",
 * "how much pipeline does <person> have?", "assign it to <person>"): the CRM's deal owners,
 * with their owner ids, and the assignees of the Jira project's recent issues. Names come from
 * the organisation's own data; a person is never a question's subject, only a filter.
 */
export async function loadPeople(
  ports: Partial<Pick<Ports, "jira">>,
  deals: readonly { ownerId: string; ownerName?: string }[],
  onError?: (error: unknown) => void,
): Promise<KnownEntity[]> {
  const issues = await (ports.jira?.searchIssues({ limit: 50 }).then((p) => p.items) ?? Promise.resolve([])).catch(
    (error: unknown) => {
      onError?.(error);
      return [];
    },
  );
  const out = new Map<string, KnownEntity>();
  for (const d of deals)
    if (d.ownerName)
      out.set(d.ownerName.toLowerCase(), { name: d.ownerName, kind: "other", id: d.ownerId, person: true });
  for (const i of issues) {
    const name = i.assignee?.trim();
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), { name, kind: "other", person: true });
  }
  return [...out.values()];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The person a question names, by full name or by first name as written (capitalised, so
 * "will" or "mark" in a sentence is not a person). A first name two people share names neither.
 */
export function personIn(text: string, entities: readonly KnownEntity[]): KnownEntity | undefined {
  const people = entities.filter((e) => e.person);
  const full = people.find((p) => new RegExp(`\\b${escapeRe(p.name)}\\b`, "i").test(text));
  if (full) return full;
  const byFirst = people.filter((p) => {
    const first = p.name.split(/\s+/)[0] ?? "";
    return first.length >= 2 && new RegExp(`\\b${escapeRe(first)}\\b`).test(text);
  });
  return byFirst.length === 1 ? byFirst[0] : undefined;
}

/** "assign it to <person>", "for <person>": the person a write is for, else any person named. */
export function assigneeIn(
  text: string,
  entities: readonly KnownEntity[],
  requester?: string,
): KnownEntity | undefined {
  if (requester && /\b(assign(ed)?( it)? to|for) (me|myself)\b/i.test(text))
    return { name: requester, kind: "other", person: true };
  const after = /\b(?:assign(?:ed)?(?: it)? to|for|owned by|give it to)\s+(.+)$/i.exec(text)?.[1];
  return (after ? personIn(after, entities) : undefined) ?? personIn(text, entities);
}

/** The question without its "and assign it to <person>", priority and due-date clauses, for a summary. */
export function withoutAssignment(text: string, person?: KnownEntity): string {
  const level = "(?:highest|high|medium|low|lowest)";
  // "for <person>" is who the ticket is for, wherever it stands.
  const names = person ? [person.name, person.name.split(/\s+/)[0] ?? person.name] : [];
  const forPerson = names.reduce(
    (t, n) => t.replace(new RegExp(`[,;]?\\s*\\bfor\\s+${escapeRe(n)}\\b`, "g"), ""),
    text,
  );
  return forPerson
    .replace(/\bfor\s+[A-Z][\w'-]*(\s+[A-Z][\w'-]*)?\s+(?=to\b)/g, "")
    .replace(/[,;]?\s*\b(and\s+)?(assign(ed)?( it)? to|give it to)\s+(me|myself|[A-Z][\w'-]*(\s+[A-Z][\w'-]*)?)\b/g, "")
    .replace(new RegExp(`[,;]?\\s*\\b(and\\s+)?((make it|with|at)\\s+)?(a\\s+)?${level}[- ]priority\\b`, "gi"), "")
    .replace(new RegExp(`[,;]?\\s*\\b(and\\s+)?priority\\s*:?\\s*${level}\\b`, "gi"), "")
    .replace(
      /[,;]?\s*\b(and\s+)?(due|by)\s+(on\s+)?(today|tomorrow|(next\s+)?(mon|tues|wednes|thurs|fri|satur|sun)day|\d{4}-\d{2}-\d{2})\b/gi,
      "",
    )
    .trim();
}
