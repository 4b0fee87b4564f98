import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type FakeHandler = (
  req: RecordedRequest,
) =>
  | { status?: number; headers?: Record<string, string>; body?: unknown }
  | Promise<{ status?: number; headers?: Record<string, string>; body?: unknown }>;

/**
 * A scripted local HTTP server for protocol-level tests (fake Slack Web API, fake Bot
 * Framework connector, paging/429 fakes). Records every request it receives.
 */
export async function startFakeServer(handler: FakeHandler): Promise<{
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
  server: Server;
}> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      tapReply(recorded);
      try {
        const out = await handler(recorded);
        const body = out.body === undefined ? "" : typeof out.body === "string" ? out.body : JSON.stringify(out.body);
        res.writeHead(out.status ?? 200, { "content-type": "application/json", ...(out.headers ?? {}) });
        res.end(body);
      } catch (error) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: String(error) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Chat posts a fake platform receives: Slack chat.* and response_url, Bot Framework activities. */
const replyPaths =
  /chat\.(?:postMessage|update|postEphemeral|scheduleMessage)|\/response|\/v3\/conversations\/.+\/activities/;

/** Hands the body of a chat post to the suite's reply scan (test/support/scan-setup.ts). */
function tapReply(req: RecordedRequest): void {
  const tap = (globalThis as Record<symbol, unknown>)[Symbol.for("daybook.reply-tap")];
  if (typeof tap !== "function" || !replyPaths.test(req.path)) return;
  const parsed = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const form = String(req.headers["content-type"] ?? "").includes("form-urlencoded");
  tap(form ? [...new URLSearchParams(req.body).values()].map(parsed) : parsed(req.body));
}
