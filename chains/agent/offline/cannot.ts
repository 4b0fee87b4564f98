/**
 * Requests daybook has no tool for (issue 13): an honest "I can't" with what it can do instead,
 * never another answer that shares a word with the question ("export the P&L to CSV" is not
 * the P&L; "which accounts renew next month?" is not the churn list). Checked before any tool
 * is chosen. Wording names no organisation's data.
 */
interface Cannot {
  test: RegExp;
  reply: string;
}

const cannot: Cannot[] = [
  {
    test: /\b(export|download|save|send)\b.*\b(csv|excel|xlsx|spreadsheet|pdf|file)\b|\b(csv|xlsx|pdf) (export|file)\b/i,
    reply:
      "I can't export files or send spreadsheets. I can show the figures here in the thread instead, for example _P&L for last month_ or _unpaid bills_, and you can copy them from there.",
  },
  {
    test: /\b(remind|reminder|ping me|nudge me|notify me|alert me|set an? (alarm|reminder)|schedule a (reminder|message))\b/i,
    reply:
      "I can't set reminders. I can show what you need now (ask about the customer or deal by name), or log a note on it in the CRM for later.",
  },
  {
    test: /\b(renewals?|up for renewal|contract end\w*)\b|\b(accounts?|customers?|contracts?|subscriptions?|clients?)\b[^.?!]*\brenew/i,
    reply:
      "I can't list renewals: the CRM fields I read have no renewal or contract-end dates. I can show which customers might churn, a customer's health, or the deals expected to close this month or next.",
  },
  {
    test: /\b(send|write|post)\b.*\b(email|e-mail|slack message|dm)\b.*\bto\b/i,
    reply:
      'I can\'t send emails or messages for you. I can draft a follow-up for a deal ("draft a follow-up for the <company> deal") and log it as a note once you approve.',
  },
];

export function cannotDo(question: string): string | undefined {
  // "create a ticket to renew the certificate" asks for a write daybook can request.
  if (/^\s*(please\s+)?(create|file|open|raise|log|add|note|record|comment)\b/i.test(question)) return undefined;
  return cannot.find((c) => c.test.test(question))?.reply;
}
