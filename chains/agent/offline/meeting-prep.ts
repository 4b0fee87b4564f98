/**
 * "prep me for the <company> demo", "demo prep for <company>" (issue 16, item 4): the
 * offline model calls crm_meeting_prep for the company named (or the deal the thread is about)
 * and lists what the tool found in the deal's notes and emails, each with its source. A call
 * with a customer account stays call prep (day-flows.ts); this one needs the word demo, or
 * "meeting prep" / "demo prep" said as such.
 */

type Obj = Record<string, unknown>;

export const MEETING_PREP_TOOL = "crm_meeting_prep";

const asked =
  /\b(prep|prepare|brief|ready)\b[^.?!]*\bdemo\b|\b(demo|meeting) prep\b|\bresearch brief\b|\bbefore (the|my|our) demo\b/i;

const stop = String.raw`(?:\s*(?:[.?!,;]|\btomorrow\b|\btoday\b|\bnext\b|\bon\b|\bat\b|$))`;
const forTheXDemo = /\b(?:for|before)\s+(?:the|my|our)\s+(.+?)\s+demo\b/i;
const demoWithX = new RegExp(
  String.raw`\b(?:demo|prep|meeting)\s+(?:with|for|at)\s+(?:the\s+)?(.+?)(?:\s+(?:deal|demo|meeting))?${stop}`,
  "i",
);

export type MeetingPrepPlan = { kind: "call"; tool: string; args: Obj } | { kind: "reply"; text: string };

export function planMeetingPrep(
  question: string,
  subject: { kind: string; name?: string } | undefined,
  boundTools: readonly string[],
  results: readonly { tool: string; value: unknown }[],
): MeetingPrepPlan | undefined {
  if (!boundTools.includes(MEETING_PREP_TOOL) || !asked.test(question)) return undefined;
  const read = results.find((r) => r.tool === MEETING_PREP_TOOL);
  if (read) {
    const v = typeof read.value === "object" && read.value !== null ? (read.value as Obj) : {};
    return { kind: "reply", text: typeof v.error === "string" ? v.error : meetingPrepReply(v) };
  }
  const q = question.trim();
  const said = (forTheXDemo.exec(q)?.[1] ?? demoWithX.exec(q)?.[1])?.trim();
  const named = said && !/^(my|our|the|this|that|next|upcoming)$/i.test(said) ? said : undefined;
  const company = named ?? (subject && /deal|company|customer/.test(subject.kind) ? subject.name : undefined);
  if (!company) return { kind: "reply", text: "Which company is the demo with?" };
  return { kind: "call", tool: MEETING_PREP_TOOL, args: { company } };
}

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : [];
}

function money(amount: unknown, currency: unknown): string {
  if (typeof amount !== "number") return "";
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: typeof currency === "string" ? currency : "USD",
      maximumFractionDigits: 0,
    }).format(amount);
  } catch {
    return `${amount} ${String(currency)}`;
  }
}

/** "call a-10028, 2026-11-19, <author>" */
function source(f: Obj): string {
  const dir = f.type === "email" && f.direction === "inbound" ? "email from them" : String(f.type ?? "activity");
  return [`${dir} ${String(f.id ?? "")}`.trim(), f.date, f.by].filter((x) => typeof x === "string" && x).join(", ");
}

function sources(v: unknown): string {
  return objs(v).map(source).join("; ");
}

export function meetingPrepReply(v: Obj): string {
  const d = typeof v.deal === "object" && v.deal !== null ? (v.deal as Obj) : {};
  const facts = [
    `${money(d.amount, d.currency)}${typeof d.probability === "number" ? ` at ${Math.round(d.probability * 100)}%` : ""}`,
    d.stage,
    typeof d.owner === "string" ? `owner ${d.owner}` : undefined,
    typeof d.closeDate === "string"
      ? `expected close ${d.closeDate}${typeof d.daysToClose === "number" && d.daysToClose >= 0 ? ` (in ${d.daysToClose} days)` : ""}`
      : undefined,
  ].filter((x): x is string => typeof x === "string" && x.length > 0);
  const name = typeof d.url === "string" ? `[${String(d.name)}](${d.url})` : String(d.name ?? v.meetingPrep);
  const lines = [`**Demo prep: ${name}** (${facts.join(", ")})`];
  const next = typeof v.next === "object" && v.next !== null ? (v.next as Obj) : undefined;
  if (next) lines.push(`Next: ${String(next.summary)}, ${String(next.at)}.`);
  const pains = objs(v.painPoints);
  lines.push("", `**Pain points** (${pains.length}):`);
  if (pains.length === 0) lines.push("- none written down in the deal's notes or emails yet");
  for (const p of pains) lines.push(`- ${String(p.text)} _(${source((p.from as Obj) ?? {})})_`);
  const rivals = objs(v.competitors);
  lines.push("", `**Competitors** (${rivals.length}):`);
  if (rivals.length === 0) lines.push("- none named in the deal's notes or emails");
  for (const c of rivals)
    lines.push(
      `- ${String(c.name)}${c.notOnCompetitorList === true ? " (not on the competitor list)" : ""} _(${sources(c.from)})_`,
    );
  const people = objs(v.stakeholders);
  lines.push("", `**Stakeholders** (${people.length}):`);
  if (people.length === 0) lines.push("- nobody named with a role yet");
  for (const s of people)
    lines.push(`- ${[s.name, s.title, s.role].filter((x) => typeof x === "string").join(", ")} _(${sources(s.from)})_`);
  const points = Array.isArray(v.talkingPoints) ? v.talkingPoints.filter((x) => typeof x === "string") : [];
  if (points.length > 0) lines.push("", "**Talking points:**", ...points.map((p) => `- ${p}`));
  if (typeof v.activitiesRead === "number")
    lines.push("", `_From ${v.activitiesRead} notes, calls and emails on the deal._`);
  return lines.join("\n");
}
