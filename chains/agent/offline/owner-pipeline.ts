/**
 * "what is <person>'s pipeline?", "how much pipeline does <person> have?" (issue 13): that
 * person's open deals, by their CRM owner id. Someone who owns no open deal gets that sentence,
 * and a name no CRM owner or known person has gets "I don't know them", never everyone's
 * pipeline shown as if it were theirs.
 */
import type { Intent, IntentTurn } from "./intent.ts";

/** Words that stand before "'s pipeline" without being a person ("what's", "the team's"). */
const notNames = new Set(
  "i we you they us me it that what who there here let today team company everyone everybody anyone month quarter week year the our my your their his her this next last whole total overall sales org is show me tell about how much does of for on at and so with in see check give list pull up get whats".split(
    " ",
  ),
);
const isNotName = (w: string) => notNames.has(w.toLowerCase().replace(/['’]/g, ""));
const word = "[\\p{L}][\\p{L}.'-]*";
const possessive = new RegExp(
  `(${word})(?:\\s+(${word}))?['’]s\\s+(?:open\\s+|current\\s+|total\\s+)?(?:pipeline|deals|book)\\b`,
  "iu",
);
const doesHave = new RegExp(
  `\\bpipeline\\s+(?:does|do|has)\\s+(${word})(?:\\s+(${word}))?\\s+(?:have|got|own|carry)\\b`,
  "iu",
);
const forName = new RegExp(
  `\\b(?:pipeline|deals)\\s+(?:for|of|owned by)\\s+(${word})(?:\\s+(${word}))?\\s*[?.!]*$`,
  "iu",
);

function nameOf(m: RegExpExecArray | null, possessiveLast: boolean): string | undefined {
  if (!m) return undefined;
  const parts = [m[1], m[2]].filter((w): w is string => w !== undefined);
  // In "what is sam's pipeline" the name is the word before "'s"; "Zed Quux's" keeps both words.
  const kept = possessiveLast ? parts.slice(parts.length === 2 && isNotName(parts[0] ?? "") ? 1 : 0) : parts;
  const words = kept.filter((w) => !isNotName(w));
  if (words.length !== kept.length || words.length === 0) {
    const last = possessiveLast ? parts.at(-1) : parts[0];
    return last && !isNotName(last) ? last : undefined;
  }
  return words.join(" ");
}

/** The person whose pipeline the question asks for, as written; undefined for "my", "our" or none. */
export function pipelineOwnerIn(q: string): string | undefined {
  return nameOf(possessive.exec(q), true) ?? nameOf(doesHave.exec(q), false) ?? nameOf(forName.exec(q), false);
}

/** The known person the name is: full name, or a first name only one person has. */
function personNamed(name: string, turn: IntentTurn | undefined) {
  const people = turn?.people ?? [];
  const lower = name.toLowerCase();
  const full = people.find((p) => p.name.toLowerCase() === lower);
  if (full) return full;
  const first = people.filter((p) => (p.name.split(/\s+/)[0] ?? "").toLowerCase() === lower);
  if (first.length === 0) return undefined;
  // Two people sharing the first name: one of them with deals is still a guess; ask by full name.
  return first.length === 1 ? first[0] : { name, ambiguous: first.map((p) => p.name) };
}

const owners = (turn: IntentTurn | undefined) =>
  (turn?.people ?? []).filter((p) => p.id !== undefined).map((p) => p.name);

export const ownerPipelineIntent: Intent = {
  name: "owner-pipeline",
  test: (q) =>
    pipelineOwnerIn(q) !== undefined &&
    !/\b(won|lost|closed|win|lose|clos(e|es|ing) (this|next)|biggest|largest|over|above)\b/i.test(q),
  tool: "crm_deals_by_priority",
  args: (q, turn) => {
    const named = pipelineOwnerIn(q);
    const person = named ? personNamed(named, turn) : undefined;
    return person && "id" in person && person.id ? { ownerId: person.id } : { ownerId: undefined };
  },
  focus: (v, turn) => {
    const named = pipelineOwnerIn(turn?.question ?? "") ?? "";
    const person = personNamed(named, turn);
    if (!person) return { deals: [], openDeals: 0, unknownOwner: named, owners: owners(turn) };
    if ("ambiguous" in person) return { deals: [], openDeals: 0, ambiguousOwner: named, owners: person.ambiguous };
    if (!("id" in person) || !person.id) return { deals: [], openDeals: 0, ownerWithout: person.name };
    return { ...v, ownerName: person.name };
  },
  refersToNarrowed: true,
  finish: (text, v) => {
    const list = (x: unknown) => (Array.isArray(x) ? x.map(String).join(", ") : "");
    if (typeof v.unknownOwner === "string")
      return `I don't know anyone called ${v.unknownOwner}: no CRM deal owner or teammate has that name, so I can't show their pipeline.${list(v.owners) ? ` The CRM's deal owners are ${list(v.owners)}.` : ""}`;
    if (typeof v.ambiguousOwner === "string")
      return `More than one person is called ${v.ambiguousOwner} (${list(v.owners)}): whose pipeline do you mean? Ask with the full name.`;
    if (typeof v.ownerWithout === "string") return `${v.ownerWithout} owns no open deals in the CRM.`;
    const name = String(v.ownerName ?? "");
    if (v.openDeals === 0) return `${name} owns no open deals in the CRM.`;
    const lines = text
      .replace(/\bNone of your\b/, "None of the")
      .replace(/ need you today/, " need attention today")
      .replace(/ needs you urgently/, " needs attention urgently")
      .split("\n");
    // The totals lead, named as this owner's; the ranked deals follow.
    const open =
      typeof v.openDeals === "number" ? ` across ${v.openDeals} open deal${v.openDeals === 1 ? "" : "s"}` : "";
    const lead = lines
      .filter((l) => l.startsWith("Pipeline: "))
      .map((l, k) => (k === 0 ? `${l.replace(/\.$/, "")}${open}, all owned by ${name}.` : l));
    if (lead.length === 0) return `${name}'s open deals:\n${text}`;
    return [...lead, ...lines.filter((l) => !l.startsWith("Pipeline: "))].join("\n");
  },
};
