import type { Answer, Answerer, AnswerInput } from "../core/answerer.ts";

export const helpText = [
  "I can answer from Jira, the CRM and the books, and post digests. Try:",
  "- _what's blocking the sprint?_",
  "- _which deals need me today?_",
  "- _why is BrightTech at risk?_",
  "- _what's left for the November close?_",
  "Anything that writes (a Jira issue, a CRM note, an invoice decision) waits for an approval: `approve <id>` or `reject <id> [reason]`.",
].join("\n");

/** Used when no agent is configured: explains what daybook does and echoes the question. */
export class HelpAnswerer implements Answerer {
  async answer(input: AnswerInput): Promise<Answer> {
    return {
      card: {
        blocks: [
          { type: "text", text: `You asked: _${input.message.text}_` },
          { type: "text", text: helpText },
        ],
      },
    };
  }
}
