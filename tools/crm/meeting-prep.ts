/**
 * Meeting (demo) prep for one deal (issue 16, item 4): the pain points, competitors and
 * stakeholders its notes, calls and emails mention, each with where it was found (activity id,
 * kind and date). Rules over the text, no model: a sentence with a pain word is a pain point;
 * a competitor is a name from the org config's list (or a capitalised name after "evaluating",
 * "comparing", "looking at", marked as not on the list); a stakeholder is "First Last (Title)"
 * with a role word in the title, and "signs off", "budget" or "champion" next to a name says
 * their part. Call prep (call-prep.ts) is about a customer account; this is about a deal.
 */
import type { CrmActivity, DealDetail } from "../../src/core/domain/crm.ts";
import { localToday } from "../../src/core/period.ts";
import { prepareProspectCall } from "./call-prep.ts";

export interface PrepSource {
  activityId: string;
  type: CrmActivity["type"];
  /** YYYY-MM-DD in the organisation's timezone. */
  date: string;
  direction?: "inbound" | "outbound";
  by?: string;
}

export interface PainPoint {
  text: string;
  source: PrepSource;
}

export interface CompetitorMention {
  name: string;
  /** On the org config's competitor list. */
  listed: boolean;
  /** The sentence that names it. */
  context: string;
  sources: PrepSource[];
}

export interface StakeholderMention {
  name: string;
  title?: string;
  role?: "decision maker" | "champion";
  sources: PrepSource[];
}

export interface MeetingPrep {
  deal: DealDetail;
  daysToClose: number | undefined;
  /** The next meeting or demo on the deal, when one is scheduled. */
  next?: { at: string; summary: string };
  painPoints: PainPoint[];
  competitors: CompetitorMention[];
  stakeholders: StakeholderMention[];
  /** Activities read (up to `now`). */
  read: number;
  talkingPoints: string[];
}

const painWords =
  /\b(problems?|pain\w*|struggl\w*|frustrat\w*|drain\w*|manual\w*|slow\w*|costly|cost (them|us)|risk\w*|audit\w*|complain\w*|tickets?|outages?|downtime|no (unified|single|central)|can'?t|cannot|too (many|long|slow|much)|legacy|orphaned|spreadsheets?|bottlenecks?|delays?|error-prone|compliance|nobody)\b/i;
const roleWords =
  /\b(CIO|CTO|CFO|COO|CEO|CISO|CPO|VP|Vice President|Director|Head|Manager|Lead|Chief|Officer|Owner|Admin\w*|Architect|Engineer|Buyer|Procurement|Founder|President|Controller)\b/;
const personName = String.raw`[A-Z][\p{Ll}'’-]+(?:\s+(?:de|van|von|der|da|di|le|la)\b)?(?:\s+[A-Z][\p{Ll}'’-]+)+`;
const personWithTitle = new RegExp(String.raw`(${personName})\s*\(([^()]{2,60})\)`, "gu");
const evaluating =
  /\b(?:evaluating|comparing (?:us )?(?:with|to|against)|looking at|considering|trialling|piloting|talking to|replacing|moving off)\s+((?:[A-Z][\w&.+-]*(?:\s+[A-Z][\w&.+-]*)*)(?:\s*(?:,|\band\b|\bor\b)\s*[A-Z][\w&.+-]*(?:\s+[A-Z][\w&.+-]*)*)*)/g;
/** Capitalised words that start a sentence, not a name ("From Dana Whitfield (CIO): ..."). */
const leadingWords = /^(?:(?:From|With|And|Met|Dear|Hi|Hello|Per|By|Cc|To|Call|Also|Then|Today|Yesterday)\s+)+/;
const decides = /\b(signs? off|budget|economic buyer|decision[- ]maker|decides|final say|approves?)\b/i;
const champions = /\bchampion\b/i;

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim().replace(/[.;]+$/, ""))
    .filter((s) => s.length > 0);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function sourceOf(a: CrmActivity, timeZone: string): PrepSource {
  return {
    activityId: a.id,
    type: a.type,
    date: localToday(Date.parse(a.at), timeZone),
    ...(a.direction ? { direction: a.direction } : {}),
    ...(a.author ? { by: a.author } : {}),
  };
}

function addSource(list: PrepSource[], s: PrepSource): void {
  if (!list.some((x) => x.activityId === s.activityId)) list.push(s);
}

/** The text of one activity, sentence by sentence: its summary, then its body. */
function textOf(a: CrmActivity): string[] {
  const out = sentences(a.summary);
  for (const s of a.body ? sentences(a.body) : []) if (!out.includes(s)) out.push(s);
  return out;
}

export function prepareMeeting(
  deal: DealDetail,
  options: { now: number; timeZone: string; competitors: readonly string[] },
): MeetingPrep {
  const { now, timeZone } = options;
  const past = deal.activities
    .filter((a) => Date.parse(a.at) <= now)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id.localeCompare(b.id));
  const painPoints: PainPoint[] = [];
  const competitors = new Map<string, CompetitorMention>();
  const people = new Map<string, StakeholderMention>();
  const listed = options.competitors.map((name) => ({
    name,
    re: new RegExp(String.raw`(?<![\p{L}\p{N}])${escapeRe(name)}(?![\p{L}\p{N}])`, "iu"),
  }));
  const company = deal.company.name.toLowerCase();

  const noteCompetitor = (name: string, isListed: boolean, context: string, source: PrepSource) => {
    const key = name.toLowerCase();
    const c = competitors.get(key) ?? { name, listed: isListed, context, sources: [] };
    addSource(c.sources, source);
    competitors.set(key, c);
  };

  // People first, over every activity: a later sentence may name someone by name only.
  for (const a of past) {
    const source = sourceOf(a, timeZone);
    for (const s of textOf(a)) {
      for (const m of s.matchAll(personWithTitle)) {
        const name = m[1]?.replace(leadingWords, "");
        const title = m[2]?.trim();
        if (!name || !/\s/.test(name) || !title || !roleWords.test(title)) continue;
        const p = people.get(name) ?? { name, title, sources: [] };
        addSource(p.sources, source);
        people.set(name, p);
      }
    }
  }
  for (const a of past) {
    const source = sourceOf(a, timeZone);
    for (const s of textOf(a)) {
      let namesCompetitor = false;
      for (const c of listed)
        if (c.re.test(s)) {
          namesCompetitor = true;
          noteCompetitor(c.name, true, s, source);
        }
      for (const m of s.matchAll(evaluating)) {
        for (const raw of (m[1] ?? "").split(/\s*(?:,|\band\b|\bor\b)\s*/)) {
          const name = raw.trim();
          if (!name || name.toLowerCase() === company || people.has(name)) continue;
          if (listed.some((c) => c.re.test(name))) continue;
          namesCompetitor = true;
          noteCompetitor(name, false, s, source);
        }
      }
      // Who does what: the cue goes to the person named nearest before it.
      for (const [cue, role] of [
        [decides, "decision maker"],
        [champions, "champion"],
      ] as const) {
        const at = s.search(cue);
        if (at < 0) continue;
        let best: { p: StakeholderMention; end: number } | undefined;
        for (const p of people.values()) {
          const i = s.lastIndexOf(p.name, at);
          if (i >= 0 && (!best || i + p.name.length > best.end)) best = { p, end: i + p.name.length };
        }
        if (best) {
          best.p.role ??= role;
          addSource(best.p.sources, source);
        }
      }
      // A competitor's sentence is about the competitor ("Okta was too expensive"), not their pain.
      if (!namesCompetitor && painWords.test(s) && !painPoints.some((p) => p.text === s))
        painPoints.push({ text: s, source });
    }
  }

  const today = localToday(now, timeZone);
  const prospect = prepareProspectCall(deal, now, Date.parse(`${today}T00:00:00Z`));
  const upcoming = deal.activities
    .filter((a) => (a.type === "meeting" || a.type === "demo") && Date.parse(a.at) > now)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  const next = upcoming
    ? { at: upcoming.at, summary: upcoming.summary }
    : deal.nextMeetingAt && Date.parse(deal.nextMeetingAt) > now
      ? { at: deal.nextMeetingAt, summary: "Next meeting" }
      : undefined;
  const stakeholders = [...people.values()].sort((a, b) => rank(a.role) - rank(b.role) || a.name.localeCompare(b.name));
  const points: string[] = [];
  for (const p of painPoints) points.push(`Show how you solve it: ${p.text}`);
  for (const c of competitors.values()) points.push(`Be ready for the comparison with ${c.name}`);
  const decider = stakeholders.find((s) => s.role === "decision maker");
  if (decider) points.push(`Ask ${decider.name} what a decision needs after the demo`);
  if (points.length === 0)
    points.push("The notes name no pain point or competitor yet: open the demo by asking what made them look");
  return {
    deal,
    daysToClose: prospect.daysToClose,
    ...(next ? { next } : {}),
    painPoints,
    competitors: [...competitors.values()],
    stakeholders,
    read: past.length,
    talkingPoints: points,
  };
}

function rank(role: StakeholderMention["role"]): number {
  return role === "decision maker" ? 0 : role === "champion" ? 1 : 2;
}
