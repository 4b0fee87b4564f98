/**
 * The offline model's wording for renewals, call prep and the renewal draft (issue 16). Like
 * render/, every figure is a tool value shown in another form ($12,000, "in 45 days"); the
 * approach and talking points are the tool's own sentences (tools/crm/call-prep.ts).
 */

import { money } from "../render/text.ts";

type Obj = Record<string, unknown>;

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => typeof x === "object" && x !== null) : [];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function linked(o: Obj): string {
  const name = str(o.name) ?? "?";
  return str(o.url) ? `[${name}](${o.url})` : name;
}

function daysLeft(n: unknown): string {
  if (typeof n !== "number") return "";
  if (n === 0) return "today";
  if (n === 1) return "tomorrow";
  return `in ${n} days`;
}

function monthWords(month: string): string {
  return new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-US", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** "3 accounts renew in December 2026 ($41,000 ARR):" then one line per account. */
export function renewalsReply(v: Obj): string {
  const rows = objs(v.renewals);
  const n = typeof v.renewing === "number" ? v.renewing : rows.length;
  const when = str(v.month)
    ? `in ${monthWords(v.month as string)}`
    : `in the next ${typeof v.withinDays === "number" ? v.withinDays : 90} days`;
  if (n === 0) return `No account renews ${when}.`;
  const arr =
    typeof v.arrRenewing === "number"
      ? ` (${money(v.arrRenewing, v.currency)} ARR)`
      : objs(v.arrRenewingByCurrency).length > 0
        ? ` (${objs(v.arrRenewingByCurrency)
            .map((t) => money(t.arr, t.currency))
            .join(" and ")} ARR)`
        : "";
  const lines = [`**${n === 1 ? "1 account renews" : `${n} accounts renew`} ${when}**${arr}:`];
  const w = typeof v.windows === "object" && v.windows !== null ? (v.windows as Obj) : undefined;
  if (w && (typeof v.withinDays !== "number" || v.withinDays > 30))
    lines.push(
      `${String(w.within30)} within 30 days, ${String(w.within60)} in 31-60 days, ${String(w.within90)} in 61-90 days.`,
    );
  for (const r of rows)
    lines.push(
      `- ${linked(r)} renews ${String(r.renewalDate)} (${daysLeft(r.daysLeft)}): ${money(r.arr, r.currency)} ARR, health ${String(r.healthScore)}/100 (${String(r.healthLevel)}, ${String(r.trend)}), owner ${str(r.owner) ?? "unassigned"}`,
    );
  if (typeof v.more === "number" && v.more > 0) lines.push(`- and ${v.more} more`);
  if (typeof v.atRisk === "number" && v.atRisk > 0)
    lines.push(
      `${v.atRisk === 1 ? "1 of them shows" : `${v.atRisk} of them show`} churn signals: ask "prep me for my call with <account>" for a plan.`,
    );
  return lines.join("\n");
}

function prospectReply(v: Obj): string {
  const d = typeof v.deal === "object" && v.deal !== null ? (v.deal as Obj) : {};
  const lines = [`**Call prep: ${str(v.name) ?? "?"}** (prospect, no customer record)`];
  const close =
    typeof v.daysToClose === "number"
      ? `, expected to close ${String(d.closeDate)} (${v.daysToClose >= 0 ? daysLeft(v.daysToClose) : `${-v.daysToClose} days ago`})`
      : "";
  lines.push(
    `Owner ${str(v.owner) ?? "unassigned"} · deal ${linked(d)}: ${money(d.amount, d.currency)} at ${typeof d.probability === "number" ? Math.round(d.probability * 100) : "?"}%, ${String(d.stage)}${close}`,
  );
  if (typeof v.otherOpenDeals === "number") lines.push(`${v.otherOpenDeals} more open deal(s) with them.`);
  lines.push("", `**Approach:** ${String(v.approach)}`);
  const points = Array.isArray(v.talkingPoints) ? v.talkingPoints.filter((s) => typeof s === "string") : [];
  if (points.length > 0) lines.push("**Talking points**", ...points.map((p) => `- ${p}`));
  lines.push("", `**Open tickets:** none (${String(v.openTickets)})`);
  const timeline = objs(v.timeline);
  if (timeline.length > 0) {
    lines.push("**Recent activity**");
    for (const a of timeline.slice(0, 6))
      lines.push(
        `- ${String(a.at).slice(0, 10)} ${String(a.type)}: ${String(a.summary)}${str(a.by) ? ` (${a.by})` : ""}`,
      );
  } else lines.push("**Recent activity:** none on record");
  return lines.join("\n");
}

/** Call prep as a briefing: facts first, then the approach and the talking points. */
export function callPrepReply(v: Obj): string {
  if (v.kind === "prospect") return prospectReply(v);
  const lines = [`**Call prep: ${linked(v)}**`];
  const renewal =
    typeof v.daysLeft === "number"
      ? `renews ${String(v.renewalDate)} (${daysLeft(v.daysLeft)})`
      : (str(v.renewal) ?? "no renewal date");
  lines.push(
    `Owner ${str(v.owner) ?? "unassigned"} · ${str(v.plan) ? `${v.plan} plan, ` : ""}${money(v.arr, v.currency)} ARR · ${renewal}`,
  );
  const usage =
    typeof v.usageChangePct === "number"
      ? `, usage ${v.usageChangePct > 0 ? "+" : ""}${v.usageChangePct}% over ${String(v.usageWindowDays)} days`
      : "";
  lines.push(`Health ${String(v.healthScore)}/100 (${String(v.healthLevel)}), trend ${String(v.trend)}${usage}`);
  const signals = Array.isArray(v.healthSignals) ? v.healthSignals.filter((s) => typeof s === "string") : [];
  lines.push(signals.length > 0 ? `Signals: ${signals.join("; ")}` : "Signals: none");
  lines.push("", `**Approach:** ${String(v.approach)}`);
  const points = Array.isArray(v.talkingPoints) ? v.talkingPoints.filter((s) => typeof s === "string") : [];
  if (points.length > 0) lines.push("**Talking points**", ...points.map((p) => `- ${p}`));
  const tickets = objs(v.openTickets);
  lines.push(
    "",
    tickets.length > 0
      ? `**Open tickets:** ${tickets.map((t) => `${String(t.id)} "${String(t.subject)}"`).join(", ")}`
      : "**Open tickets:** none",
  );
  const deals = objs(v.openDeals);
  if (deals.length > 0)
    lines.push(
      `**Open deals:** ${deals.map((d) => `${String(d.name)} (${String(d.stage)}, ${money(d.amount, d.currency)})`).join("; ")}`,
    );
  const contacts = objs(v.contacts);
  lines.push(
    contacts.length > 0
      ? `**Contacts:** ${contacts.map((c) => [c.name, c.title, c.email].filter((x) => typeof x === "string").join(", ")).join("; ")}`
      : "**Contacts:** none on record",
  );
  const timeline = objs(v.timeline);
  if (timeline.length > 0) {
    lines.push("**Recent activity**");
    for (const a of timeline.slice(0, 6))
      lines.push(
        `- ${String(a.at).slice(0, 10)} ${String(a.type)}: ${String(a.summary)}${str(a.by) ? ` (${a.by})` : ""}`,
      );
  } else lines.push("**Recent activity:** none on record");
  return lines.join("\n");
}

/** The draft as a quote in the thread, never sent. */
export function renewalDraftReply(v: Obj): string {
  const draft = typeof v.draft === "object" && v.draft !== null ? (v.draft as Obj) : {};
  const lines = [
    `Here is a draft renewal email for ${linked(v)} (renews ${String(v.renewalDate)}, ${daysLeft(v.daysLeft)}; ${money(v.arr, v.currency)} ARR). I have not sent it.`,
    "",
  ];
  if (str(draft.to)) lines.push(`> To: ${draft.to}`);
  lines.push(`> Subject: ${String(draft.subject)}`, ">");
  for (const l of String(draft.body ?? "").split("\n")) lines.push(l === "" ? ">" : `> ${l}`);
  return lines.join("\n");
}

/** The note logged on the record when a draft is approved: the email as drafted. */
export function renewalDraftNote(v: Obj): string {
  const draft = typeof v.draft === "object" && v.draft !== null ? (v.draft as Obj) : {};
  return [`Renewal email drafted (not sent). Subject: ${String(draft.subject)}`, "", String(draft.body ?? "")].join(
    "\n",
  );
}

function issueLine(i: Obj): string {
  const key = str(i.key) ?? "?";
  const head = str(i.url) ? `[${key}](${i.url})` : key;
  const extra = [
    str(i.blocked) ? `blocked: ${i.blocked}` : str(i.reason) ? String(i.reason) : str(i.status),
    str(i.assignee),
    typeof i.points === "number" ? `${i.points} pts` : undefined,
    str(i.due) ? `due ${i.due}` : undefined,
  ].filter(Boolean);
  return `- ${head} ${String(i.summary ?? "")}${extra.length > 0 ? ` (${extra.join(", ")})` : ""}`;
}

/** The retro: velocity per sprint, blocked days by cause, carry-over. */
export function retroReply(v: Obj): string {
  const done = typeof v.done === "object" && v.done !== null ? (v.done as Obj) : {};
  const lines = [
    `**Retro for ${String(v.sprint)}**: ${String(done.points)} of ${String(done.of)} points done (${String(done.pct)}%)${typeof v.daysLeft === "number" ? `, ${v.daysLeft} day${v.daysLeft === 1 ? "" : "s"} left` : ""}.`,
  ];
  const velocity = objs(v.velocity);
  if (velocity.length > 0) {
    lines.push(
      `Velocity: ${velocity.map((s) => `${String(s.sprint)} ${String(s.points)} points`).join(", ")}${typeof v.averageVelocity === "number" ? ` (average ${v.averageVelocity})` : ""}.`,
    );
  } else lines.push("Velocity: no closed sprint on the board yet.");
  const causes = objs(v.blockedByCause);
  if (causes.length > 0) {
    lines.push("**Blocked days by cause**");
    for (const c of causes)
      lines.push(
        `- ${String(c.cause)}: ${String(c.days)} day${c.days === 1 ? "" : "s"} (${(Array.isArray(c.issues) ? c.issues : []).join(", ")})`,
      );
  } else lines.push("Blocked days: none, no open blocker.");
  const carry = typeof v.carryOver === "object" && v.carryOver !== null ? (v.carryOver as Obj) : {};
  lines.push(
    `**Carry-over**: ${String(carry.issues)} open issue${carry.issues === 1 ? "" : "s"}, ${String(carry.points)} points.`,
  );
  for (const i of objs(v.carryOverIssues)) lines.push(issueLine(i));
  return lines.join("\n");
}

/** The Monday kickoff or the mid-week check-in. */
export function weekReply(v: Obj): string {
  if (v.view === "checkin") {
    const lines = [
      `**Mid-week check-in, ${String(v.sprint)}**: ${v.onTrack === true ? "on track" : "behind"}, ${String(v.donePct)}% of points done (${String(v.donePoints)} of ${String(v.totalPoints)}) with ${String(v.timeGonePct)}% of the sprint gone${v.onTrack === true ? "" : `, ${String(v.behindPoints)} points short of an even pace`}.`,
    ];
    const week = typeof v.doneThisWeek === "object" && v.doneThisWeek !== null ? (v.doneThisWeek as Obj) : {};
    lines.push(`Done this week (${String(v.week)}): ${String(week.issues)} issues, ${String(week.points)} points.`);
    const blockers = objs(v.blockers);
    lines.push(blockers.length > 0 ? "**Blockers**" : "Blockers: none.");
    for (const b of blockers) lines.push(issueLine(b));
    const risk = objs(v.atRisk);
    if (risk.length > 0) lines.push("**At risk**", ...risk.map(issueLine));
    return lines.join("\n");
  }
  const done = typeof v.doneLastWeek === "object" && v.doneLastWeek !== null ? (v.doneLastWeek as Obj) : {};
  const lines = [
    `**Monday kickoff, ${String(v.sprint)}**: last week (${String(v.lastWeek)}) ${String(done.issues)} issue${done.issues === 1 ? "" : "s"} done, ${String(done.points)} points.`,
  ];
  for (const i of objs(v.doneIssues)) lines.push(issueLine(i));
  lines.push(`**This week's priorities (${String(v.thisWeek)})**`);
  const priorities = objs(v.priorities);
  if (priorities.length === 0) lines.push("Nothing open in the sprint.");
  for (const i of priorities) lines.push(issueLine(i));
  return lines.join("\n");
}
