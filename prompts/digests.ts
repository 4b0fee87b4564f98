/**
 * Digest wording, pure data. Placeholders `{name}` are filled with figures computed in code
 * (chains/digests/narrative.ts); a model narrative, when configured, may only rephrase them.
 */
export const digestTitles = {
  standup: "Standup",
  sales: "Sales priorities",
  churn: "Churn risk",
  close: "Month-end close",
  weekly: "Weekly summary",
  renewals: "Renewals",
  retro: "Sprint retro",
  kickoff: "Monday kickoff",
  checkin: "Mid-week check-in",
  qbr: "Quarterly business review",
} as const;

export const digestTemplates = {
  standup: {
    summary:
      "**{blockers} blocker{blockersS}**, {atRisk} at risk, {review} ready for review. {donePct}% done ({donePoints} of {totalPoints} points), {delta} points since yesterday.",
    noSprint: "No active sprint on the board.",
    firstRun: "First standup digest: movement is measured from the last 24 hours.",
  },
  sales: {
    summary:
      "**{urgent} deal{urgentS} need{urgentVerb} you today** out of {count} open, {weighted} weighted pipeline. {quiet} going quiet.",
    none: "No open deals.",
  },
  churn: {
    summary:
      "**{high} high-risk customer{highS}** ({highArr} ARR), {medium} medium. Signals and a suggested action below.",
    none: "No customer shows churn signals.",
  },
  close: {
    summary:
      "**{exceptions} exception{exceptionsS}** for {month}: {noPo} without PO, {duplicates} possible duplicate{duplicatesS}, {unmatched} unmatched bank line{unmatchedS}, {variances} spend variance{variancesS} over {threshold}%.",
    clean:
      "Nothing to review for {month}: every bill has a PO, the bank is reconciled and spend is within {threshold}%.",
    /** No previous month in the books: nothing to measure spend against, so no claim about it. */
    cleanNoComparison: "Nothing to review for {month}: every bill has a PO and the bank is reconciled.",
  },
  weekly: {
    /** {close} is "N close exceptions open", or that the books could not be read (see weekly.ts). */
    summary:
      "This week: {shipped} issue{shippedS} shipped, {won} deal{wonS} won ({wonAmount}), {lost} lost ({lostAmount}); {atRisk} customer{atRiskS} at high churn risk; {close}.",
    /** When the CRM could not be read: say nothing about deals rather than "0 won". */
    summaryNoDeals:
      "This week: {shipped} issue{shippedS} shipped; deals could not be read from the CRM; {atRisk} customer{atRiskS} at high churn risk; {close}.",
  },
  qbr: {
    finance:
      "**{quarter}: {revenue} revenue** ({revenueQoq} on the quarter before, {revenueYoy} on the year before), gross margin {margin}.",
    crm: "{pipeline} open pipeline ({weighted} weighted); {won} deal{wonS} won in {quarter} ({wonAmount}); {churnRisk} customer{churnRiskS} at high churn risk ({churnRiskArr} ARR).",
    nothing: "Your roles cover neither the books nor the CRM, so there is no review to show.",
  },
  renewals: {
    summary:
      "**{count} contract{countS} renew in the next 90 days** ({arr} ARR), {within30} within 30 days; {atRisk} at churn risk ({atRiskArr} ARR).",
    none: "No contract renews in the next 90 days.",
  },
  retro: {
    summary:
      "**{sprint}: {done} of {total} points done.** Velocity averaged {average} points over the last {sprints} sprint{sprintsS}; {blockedDays} blocked day{blockedDaysS} across {causes} cause{causesS}; {carry} issue{carryS} ({carryPoints} points) would carry over.",
    summaryNoHistory:
      "**{sprint}: {done} of {total} points done.** No closed sprint to compare with yet; {blockedDays} blocked day{blockedDaysS} across {causes} cause{causesS}; {carry} issue{carryS} ({carryPoints} points) would carry over.",
  },
  kickoff: {
    summary:
      "**Last week ({lastWeek}): {done} issue{doneS} done, {points} points.** This week: {open} open in the sprint, {blockers} blocker{blockersS} first, {due} due by Sunday.",
  },
  checkin: {
    onTrack:
      "**{sprint} is on track:** {donePct}% of points done with {timePct}% of the sprint gone. This week {done} issue{doneS} done ({points} points); {blockers} blocker{blockersS}, {atRisk} at risk.",
    behind:
      "**{sprint} is behind:** {donePct}% of points done with {timePct}% of the sprint gone ({behind} points short of an even pace). This week {done} issue{doneS} done ({points} points); {blockers} blocker{blockersS}, {atRisk} at risk.",
  },
} as const;

/** System prompt for the optional model narrative. The figures it may use are given as data. */
export const digestNarrativeSystemPrompt = [
  "You write the one or two sentence opening of an operations digest for a chat channel.",
  "Use only the facts provided. Do not introduce any number that is not in the facts.",
  "Lead with what needs attention. Plain, direct language; no greetings, no emoji.",
].join("\n");
