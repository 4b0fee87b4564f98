import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { digestNarrativeSystemPrompt } from "../../prompts/digests.ts";
import type { Logger } from "../../src/core/logger.ts";
import type { DigestName, Narrator } from "./types.ts";

/** Fills `{name}` placeholders; an unknown placeholder is left visible rather than guessed. */
export function fill(template: string, facts: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in facts ? String(facts[key]) : whole));
}

function numbersIn(text: string): string[] {
  return text.match(/\d[\d,.]*/g)?.map((n) => n.replace(/[.,]$/, "").replace(/,/g, "")) ?? [];
}

/**
 * The digest's opening sentence. Without a model it is the filled template. With one, the
 * model may rephrase, but a reply containing any number that is not among the facts is
 * discarded: numbers come from code (ARCHITECTURE.md, decision 2).
 */
export async function narrative(
  digest: DigestName,
  template: string,
  facts: Record<string, string | number>,
  narrate: Narrator | undefined,
  logger?: Logger,
): Promise<string> {
  const draft = fill(template, facts);
  if (!narrate) return draft;
  try {
    const text = (await narrate({ digest, facts, draft }))?.trim();
    if (!text) return draft;
    const allowed = new Set(numbersIn(`${draft} ${Object.values(facts).join(" ")}`));
    const invented = numbersIn(text).filter((n) => !allowed.has(n));
    if (invented.length > 0) {
      logger?.warn("digest narrative discarded: it contained figures not in the facts", {
        digest,
        count: invented.length,
      });
      return draft;
    }
    return text;
  } catch (error) {
    logger?.warn("digest narrative failed; using the template", { digest, error });
    return draft;
  }
}

/**
 * A Narrator over any LangChain chat model (ChatOpenAI when OPENAI_API_KEY is set). Without a
 * configured model, pass no narrator: the template is the offline narrative.
 */
export function modelNarrator(model: BaseChatModel): Narrator {
  return async ({ facts, draft }) => {
    const reply = await model.invoke([
      ["system", digestNarrativeSystemPrompt],
      ["human", `Facts (JSON): ${JSON.stringify(facts)}\nDraft opening: ${draft}\nWrite the opening.`],
    ]);
    return typeof reply.content === "string" ? reply.content : undefined;
  };
}
