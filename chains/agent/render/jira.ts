/**
 * Jira results in chat: the sprint's progress, what blocks it, one issue, a list of issues.
 * Day counts ("blocked 2 days") are the tool's own fields, never computed from timestamps.
 */
import type { Fields } from "./fields.ts";
import type { ShapeRenderer } from "./shape.ts";
import { days, isObj, listed, objs, plural, recent, str, upperFirst, words } from "./text.ts";
import type { Obj } from "./types.ts";

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

export const jiraRenderers: readonly ShapeRenderer[] = [
  { shape: "sprint progress", matches: (v) => isObj(v.progress) && isObj(v.sprint), render: sprintReply },
  {
    shape: "sprint blockers",
    matches: (v) => Array.isArray(v.blockers) && typeof v.sprint === "string",
    render: blockersReply,
  },
  {
    shape: "one issue",
    matches: (v) => typeof v.key === "string" && typeof v.summary === "string" && typeof v.status === "string",
    render: issueReply,
  },
  { shape: "issue list", matches: (v) => Array.isArray(v.issues), render: (v) => issuesReply(v) },
];
