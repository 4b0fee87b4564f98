import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { Clock } from "../../src/core/clock.ts";
import type { ExampleQuestions } from "../../src/core/examples.ts";
import { type KnownEntity, OFFLINE_MODEL_LABEL, OfflineChatModel } from "./offline-model.ts";

/**
 * Plain settings (chains/ cannot import src/config): main.ts copies them from the env.
 * ARCHITECTURE.md decision 5: a model is configuration.
 */
export interface ModelSettings {
  openaiApiKey?: string;
  /** Any OpenAI-compatible server's /v1 URL. */
  openaiBaseUrl?: string;
  openaiModel?: string;
  /** Per-request timeout; the agent's turn deadline still applies on top. */
  timeoutMs?: number;
  maxRetries?: number;
  clock?: Clock;
  /** Names the offline model recognises before any tool returned them (from the ports). */
  entities?: KnownEntity[];
  /** Questions the offline model suggests when it cannot answer (chains/agent/examples.ts). */
  examples?: ExampleQuestions;
}

export interface AgentModel {
  model: BaseChatModel;
  /** Shown in every reply's context line: the model name, or "offline model". */
  label: string;
  offline: boolean;
}

/**
 * ChatOpenAI with a key, else the offline model. @langchain/openai (and the openai SDK under
 * it) is imported only when a key is set: the offline model never loads it (issue 15).
 */
export async function createChatModel(settings: ModelSettings): Promise<AgentModel> {
  if (settings.openaiApiKey) {
    const { ChatOpenAI } = await import("@langchain/openai");
    const modelName = settings.openaiModel ?? "gpt-4.1-mini";
    const model = new ChatOpenAI({
      model: modelName,
      apiKey: settings.openaiApiKey,
      temperature: 0,
      // The agent loop has its own turn deadline; a couple of quick retries covers blips
      // without letting one question hang for minutes.
      timeout: settings.timeoutMs ?? 30_000,
      maxRetries: settings.maxRetries ?? 2,
      ...(settings.openaiBaseUrl ? { configuration: { baseURL: settings.openaiBaseUrl } } : {}),
    });
    return { model, label: modelName, offline: false };
  }
  const model = new OfflineChatModel({
    ...(settings.clock ? { clock: settings.clock } : {}),
    entities: settings.entities ?? [],
    ...(settings.examples ? { examples: settings.examples } : {}),
  });
  return { model, label: OFFLINE_MODEL_LABEL, offline: true };
}
