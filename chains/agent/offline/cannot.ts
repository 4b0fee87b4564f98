/**
 * Requests daybook has no tool for (issue 13): an honest "I can't" with what it can do instead,
 * never another answer that shares a word with the question ("export the P&L to CSV" is not
 * the P&L). Checked before any tool
 * is chosen. Wording names no organisation's data.
 */
interface Cannot {
  test: RegExp;
  reply: string;
}

const cannot: Cannot[] = [
  {
    // A chart is a picture daybook posts (offline/charts.ts), not an export it cannot make.
    test: /^(?!.*\b(chart|graph|plot)s?\b)(?:.*\b(export|download|save|send)\b.*\b(csv|excel|xlsx|spreadsheet|pdf|file)\b|.*\b(csv|xlsx|pdf) (export|file)\b)/i,
    reply:
      "I can't export that. I can post a CSV of the P&L, the bills or the close exceptions of a month (_export the P&L to CSV_), or of the open deals (_export the deals to CSV_), for the systems your role covers.",
  },
  {
    test: /\b(remind|reminder|ping me|nudge me|notify me|alert me|set an? (alarm|reminder)|schedule a (reminder|message))\b/i,
    reply:
      "I can't set repeating reminders or remind other people. I can remind you once: _remind me about <something> tomorrow at 9_; _my reminders_ lists yours.",
  },
  {
    test: /\b(send|write|post)\b.*\b(email|e-mail|slack message|dm)\b.*\bto\b/i,
    reply:
      'I can\'t send emails or messages for you. I can draft a follow-up for a deal ("draft a follow-up for the <company> deal") and log it as a note once you approve.',
  },
  {
    test: /\b(forecast\w*|predict\w*|projection|will (revenue|bookings|sales|profit|the pipeline) be)\b/i,
    reply:
      "I can't forecast or predict figures. I can show actuals (_P&L for last month_, _revenue this quarter_) and the open pipeline with its weighted value.",
  },
  {
    test: /\b(schedule|book|set up|arrange|organi[sz]e)\b[^.?!]*\b(meeting|call|qbr|demo|review|sync)\b/i,
    reply:
      "I can't book meetings or change calendars. I can show what is coming up on a deal, or log a note that a meeting is wanted once you approve it.",
  },
  {
    test: /^\s*(please\s+)?(send|email|e-mail|mail)\b|\bsend\b[^.?!]*\b(e-?mail|message)\b/i,
    reply:
      "I can't send emails or messages. I can draft a follow-up for a deal and log it as a note once you approve, or show the figures for you to share.",
  },
  {
    test: /\b(deploy|release|roll ?out|ship)\b[^.?!]*\b(to production|to prod|to staging|release \d|version \d)\b|^\s*deploy\b/i,
    reply:
      "I can't deploy or run releases. I can show the release issue's status and blockers, or request a ticket or a comment once you approve.",
  },
  {
    test: /\b(move|transition|set|mark)\s+[A-Z][A-Z0-9]+-\d+\b[^.?!]*\b(to|as)\b|\b(close|start|end|complete|finish) the sprint\b/i,
    reply:
      "I can't change an issue's status or the sprint in Jira. I can show the sprint and its issues, or request a comment or a new ticket once you approve.",
  },
  {
    test: /^\s*(please\s+)?(pay|wire|transfer)\b/i,
    reply:
      "I can't make payments. I can show unpaid bills and bank lines, and request approval of a bill in the books once you approve.",
  },
  {
    // Out of scope unless an HR system is connected (docs/agent.md, "What it does not do"); the
    // names in such a question are people, so without this the question would match a person's
    // deals or issues and answer something confidently wrong.
    test: /\b(performance (review|appraisal|evaluation|rating)s?|(annual|mid-?year|360) reviews?|\bpto\b|paid time off|vacation (days?|balance|left)|holiday (allowance|balance|days)|time off|sick (days?|leave)|parental leave|leave balance|salar(y|ies)|payroll|pay ?slips?|compensation|pay (rise|raise)|give \w+ a raise|headcount plan|promotion (case|packet)|org ?chart)\b/i,
    reply:
      "I can't help with HR matters such as performance reviews, time off, pay or headcount: daybook reads only your Jira, CRM and books, and no HR system is connected. I can show what someone is working on in Jira or the deals they own.",
  },
  {
    test: /\b(stock|share) price\b|\bmarket cap\b|\bweather\b|\bnews\b/i,
    reply:
      "I can't look that up: I read only your Jira, CRM and books. I can show a company's deals or health instead.",
  },
];

/**
 * "write a user story for password reset via email": the offline model writes no prose, so it
 * says so and returns a skeleton marked as one, holding only the request's own words; every
 * part a person (or the language model) must write is named, none is invented.
 */
export function storySkeleton(question: string): string | undefined {
  const m =
    /\b(?:write|draft)\s+(?:me\s+)?(?:an?\s+|the\s+)?(?:user\s+)?story\b\s*(?:for|about|on|to)?\s*([^.?!]*)/i.exec(
      question,
    );
  if (!m) return undefined;
  const topic = (m[1] ?? "").trim().slice(0, 120);
  const title = topic === "" ? "<what the story is about>" : topic;
  return [
    "I can't write a user story without the language model (this is the offline model), so here is a skeleton with only your words in it. Fill in each <...> part, or ask again once an OpenAI key is configured and I will draft it for approval.",
    `Summary: ${title}`,
    "Story: As a <role>, I want <goal> so that <benefit>.",
    "Acceptance criteria: Given <context>, when <action>, then <outcome>. (one or more)",
    "Security requirements: <e.g. what must expire, be rate-limited or never be revealed>",
    "Sub-tasks: <one line each, with an optional estimate like 4h>",
    "Estimate: <story points: 1, 2, 3, 5, 8 or 13>",
  ].join("\n");
}

export function cannotDo(question: string): string | undefined {
  const story = storySkeleton(question);
  if (story) return story;
  // "create a ticket to renew the certificate" asks for a write daybook can request.
  if (/^\s*(please\s+)?(create|file|open|raise|log|add|note|record|comment)\b/i.test(question)) return undefined;
  // "write the renewal email to <customer>" asks for a draft in the thread, which daybook writes.
  if (/\b(draft|write|compose)\b[^.?!]*\brenewal\b/i.test(question) && !/\bsend\b/i.test(question)) return undefined;
  return cannot.find((c) => c.test.test(question))?.reply;
}
