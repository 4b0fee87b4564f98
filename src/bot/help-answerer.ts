import { genericExamples } from "../../prompts/agent-offline.ts";
import type { Answer, Answerer, AnswerInput } from "../core/answerer.ts";
import type { ExampleQuestion } from "../core/examples.ts";

/** The help reply, with up to four example questions (the organisation's own, or generic ones). */
export function helpTextFor(examples: readonly ExampleQuestion[]): string {
  return [
    "I can answer from Jira, the CRM and the books, and post digests. Try:",
    ...examples.slice(0, 4).map((e) => `- _${e.text}_`),
    "Anything that writes (a Jira issue, a CRM note, an invoice decision) waits for an approval: `approve <id>` or `reject <id> [reason]`; `retry <id>` runs the failed steps of a change again.",
  ].join("\n");
}

/** The help reply when no organisation data has been read (no ports, or before the first read). */
export const helpText = helpTextFor(genericExamples);

/** Used when no agent is configured: explains what daybook does and echoes the question. */
export class HelpAnswerer implements Answerer {
  readonly #examples: () => readonly ExampleQuestion[];

  constructor(examples: () => readonly ExampleQuestion[] = () => genericExamples) {
    this.#examples = examples;
  }

  async answer(input: AnswerInput): Promise<Answer> {
    return {
      card: {
        blocks: [
          { type: "text", text: `You asked: _${input.message.text}_` },
          { type: "text", text: helpTextFor(this.#examples()) },
        ],
      },
    };
  }
}
