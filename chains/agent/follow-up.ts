/**
 * Follow-up or new topic (issue 13, item 3). A follow-up ("and the second one?", "why?",
 * "who owns it?", "what's its status?") resolves its references against what the previous
 * reply showed; any question with a subject or an intent of its own ("what's our total
 * pipeline?", "any duplicate bills?", "what's <person> working on?") starts clean, however
 * short it is. The offline model and the agent's tool selection both decide here, so the
 * previous answer never narrows the tools or fills the arguments of an unrelated question.
 */

const ordinalWords =
  /\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th|seventh|7th|eighth|8th|ninth|9th|tenth|10th|top one|last one|the last(?!\s+(\d|few|couple|several|week|month|quarter|year|days?|hours?|sprint|close)))\b/i;

/** Words that point back at something already shown. "that"/"this" alone are determiners ("that $2,100 wire"). */
const pronouns =
  /\b(it|its|it's|they|them|their|theirs|this one|that one|those ones|these ones|the same|he|she|him|her|his|hers)\b/i;

/**
 * Words a follow-up is made of, beyond stopwords: "why?", "how come?", "and the owner?",
 * "more details", "what's the next step?", "who's the contact?". A question with any other
 * content word carries its own subject.
 */
const followUpFiller = new Set(
  (
    "a an the and or but so is are was were be been what whats what's which who whos who's whom why how when where " +
    "come about more detail details else also then next step steps status owner owns own owned contact contacts " +
    "link url one ones again please ok okay thanks thank you tell me show give do does did can could would " +
    // "what should I do?", "what do we do?": the next step for what was just shown.
    "should i we " +
    "any there that this those these of on in at to for with from " +
    // An attribute of what was just shown: "who's the vendor?", "what was net profit?", "and the net?".
    "vendor assignee amount total stage probability reason due date deadline net profit value arr plan score priority reporter"
  ).split(" "),
);

/** Parts of a record a reply shows, which "the <part>" points back at. */
const recordParts =
  /^(ticket|tickets|signal|signals|email|emails|note|notes|comment|comments|description|summary|reply|message)$/;

export type TopicDecision =
  /** Points back at the previous reply by position ("the second one"). */
  | { kind: "ordinal" }
  /** A pronoun or a question with no subject of its own ("why?", "who owns it?"). */
  | { kind: "follow-up"; reason: "pronoun" | "elliptical" | "refine" }
  /** Has its own subject or intent: the previous answer must not shape it. */
  | { kind: "new-topic" };

function contentWords(question: string): string[] {
  return question
    .toLowerCase()
    .replace(/['’]s\b/g, "")
    .split(/[^a-z0-9&$]+/)
    .filter((w) => w.length > 0 && !followUpFiller.has(w));
}

/** Decides whether `question` continues the previous reply or starts a new topic. */
export function topicOf(question: string): TopicDecision {
  const q = question.trim();
  if (q === "") return { kind: "new-topic" };
  if (ordinalWords.test(q)) return { kind: "ordinal" };
  if (pronouns.test(q)) return { kind: "follow-up", reason: "pronoun" };
  const content = contentWords(q);
  if (content.length === 0) return { kind: "follow-up", reason: "elliptical" };
  // "what's the ticket about?", "who wrote the note?": a part of the record just shown, named with "the".
  const part = content.length === 1 ? content[0] : undefined;
  if (part && recordParts.test(part) && new RegExp(`\\bthe\\s+${part}\\b`, "i").test(q))
    return { kind: "follow-up", reason: "elliptical" };
  // "and November?", "what about last quarter?": the previous question again with one thing changed.
  // "and what's blocking the sprint?" is a question of its own.
  const refine =
    /^\s*(and|what about|how about|same for)\s+(?!(what|which|who|whom|why|how|when|where|is|are|do|does|did|can|could|show|list|tell)\b)/i;
  if (refine.test(q) && content.length <= 3) return { kind: "follow-up", reason: "refine" };
  return { kind: "new-topic" };
}

/** True when the previous reply's entities and tools may shape this question. */
export function continuesPreviousTopic(question: string): boolean {
  return topicOf(question).kind !== "new-topic";
}

/** Words that only name a period: "last month", "November", "Q3", "this year so far". */
const periodWords =
  /^(last|this|next|previous|prior|past|month|months|quarter|quarters|year|years|week|weeks|ytd|so|far|to|date|q[1-4]|\d{1,4}|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)$/;

/**
 * "and last month?", "what about Q3?": the previous question again for another period. Its
 * words may match another tool's description ("the balance at the end of last month"), but
 * they change only when, so the previous answer's tool answers it.
 */
export function onlyChangesPeriod(question: string): boolean {
  const decision = topicOf(question);
  if (decision.kind !== "follow-up" || decision.reason !== "refine") return false;
  const content = contentWords(question);
  return content.length > 0 && content.every((w) => periodWords.test(w));
}
