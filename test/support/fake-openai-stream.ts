/**
 * The streaming side of test/support/fake-openai.ts: a local OpenAI-compatible server whose
 * /v1/chat/completions answers `stream: true` requests as Server-Sent Events, a content reply
 * token by token with `tokenMs` between tokens (so a test can count how often a long streamed
 * answer reaches the chat platform), tool calls in one chunk. Requests without `stream` get the
 * plain JSON completion, as fake-openai.ts answers them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChatRequest, Player } from "./fake-openai.ts";

let completions = 0;

export async function startStreamingOpenAi(player: Player, options: { tokenMs?: number } = {}) {
  const tokenMs = options.tokenMs ?? 0;
  const chats: (ChatRequest & { stream?: boolean })[] = [];
  let calls = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const request = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest & { stream?: boolean };
      chats.push(request);
      const reply = await player(request, chats.length - 1);
      const id = `chatcmpl-s${++completions}`;
      const toolCalls =
        "calls" in reply
          ? reply.calls.map((c, index) => ({
              index,
              id: c.id ?? `call_s${++calls}`,
              type: "function",
              function: { name: c.name, arguments: c.arguments },
            }))
          : undefined;
      const finish = toolCalls ? "tool_calls" : "stop";
      if (!request.stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id,
            object: "chat.completion",
            created: 1_795_000_000,
            model: request.model,
            choices: [
              {
                index: 0,
                message: toolCalls
                  ? { role: "assistant", content: null, tool_calls: toolCalls.map(({ index: _i, ...c }) => c) }
                  : { role: "assistant", content: "content" in reply ? reply.content : "" },
                finish_reason: finish,
              },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const send = (delta: Record<string, unknown>, finishReason: string | null) =>
        res.write(
          `data: ${JSON.stringify({
            id,
            object: "chat.completion.chunk",
            created: 1_795_000_000,
            model: request.model,
            choices: [{ index: 0, delta, finish_reason: finishReason }],
          })}\n\n`,
        );
      if (toolCalls) {
        send({ role: "assistant", content: null, tool_calls: toolCalls }, null);
      } else {
        send({ role: "assistant", content: "" }, null);
        // Word by word, with the spaces in front: how a real model's tokens arrive.
        for (const token of ("content" in reply ? reply.content : "").split(/(?=\s)/)) {
          if (tokenMs > 0) await new Promise((resolve) => setTimeout(resolve, tokenMs));
          send({ content: token }, null);
        }
      }
      send({}, finish);
      res.write("data: [DONE]\n\n");
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Every /chat/completions request, parsed (`stream: true` when the client streamed). */
    chats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
