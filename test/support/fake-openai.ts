/**
 * A local OpenAI-compatible server (a real HTTP socket, POST /v1/chat/completions) whose
 * replies come from a `player`: a function of the request the ChatOpenAI client sent, so a test
 * scripts a model's tool calls (single, parallel, malformed, unknown) and reads every request.
 */
import { getEncoding } from "js-tiktoken";
import { type RecordedRequest, startFakeServer } from "./http.ts";

export interface OpenAiToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface WireMessage {
  role: string;
  content: unknown;
  tool_calls?: OpenAiToolCall[];
  tool_call_id?: string;
}

export interface WireTool {
  type: string;
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ChatRequest {
  model: string;
  messages: WireMessage[];
  tools?: WireTool[];
}

export type PlayerReply = { content: string } | { calls: { name: string; arguments: string; id?: string }[] };
export type Player = (request: ChatRequest, n: number) => PlayerReply | Promise<PlayerReply>;

/** Message content is a string or an array of { type: "text", text } parts on the wire. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (p as { text?: string }).text ?? "").join("");
  return "";
}

export const call = (name: string, args: Record<string, unknown> | string, id?: string) => ({
  name,
  arguments: typeof args === "string" ? args : JSON.stringify(args),
  ...(id ? { id } : {}),
});

/** The tool messages of the request's current turn (after its last user message). */
export function turnToolMessages(request: ChatRequest): WireMessage[] {
  const lastUser = request.messages.findLastIndex((m) => m.role === "user");
  return request.messages.slice(lastUser + 1).filter((m) => m.role === "tool");
}

export function offeredNames(request: ChatRequest): string[] {
  return (request.tools ?? []).map((t) => t.function.name);
}

/** A player that answers the requests in order from a fixed script; past its end the server answers 500. */
export function scripted(replies: PlayerReply[]): Player {
  return (_request, n) => {
    const reply = replies[n];
    if (!reply) throw new Error("script exhausted");
    return reply;
  };
}

let completions = 0;

export async function startFakeOpenAi(player: Player) {
  let n = 0;
  let calls = 0;
  const server = await startFakeServer(async (req: RecordedRequest) => {
    if (req.method !== "POST" || !req.path.endsWith("/chat/completions")) {
      return { status: 404, body: { error: { message: `unexpected ${req.method} ${req.path}` } } };
    }
    const request = JSON.parse(req.body) as ChatRequest;
    const reply = await player(request, n++);
    const message =
      "content" in reply
        ? { role: "assistant", content: reply.content }
        : {
            role: "assistant",
            content: null,
            tool_calls: reply.calls.map((c) => ({
              id: c.id ?? `call_${++calls}`,
              type: "function",
              function: { name: c.name, arguments: c.arguments },
            })),
          };
    // Real servers give every completion its own id; LangGraph keys messages by it.
    return {
      body: {
        id: `chatcmpl-${++completions}`,
        object: "chat.completion",
        created: 1_795_000_000,
        model: request.model,
        choices: [{ index: 0, message, finish_reason: "content" in reply ? "stop" : "tool_calls" }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
    };
  });
  return {
    ...server,
    /** Every /chat/completions request, parsed. */
    get chats(): ChatRequest[] {
      return server.requests.filter((r) => r.path.endsWith("/chat/completions")).map((r) => JSON.parse(r.body));
    },
  };
}

const enc = getEncoding("o200k_base");

/**
 * Prompt tokens of one request as the model would bill them, approximated by the o200k token
 * count of its messages and tool definitions as sent (JSON), like bench/agent.bench.ts counts.
 */
export function promptTokens(request: ChatRequest): number {
  return enc.encode(JSON.stringify({ messages: request.messages, tools: request.tools ?? [] })).length;
}
