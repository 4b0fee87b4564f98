/**
 * A local fake Slack Web API for the burst benches: answers every method with ok, and counts
 * chat.postMessage / chat.postEphemeral per thread_ts, so the bench can tell for every event
 * whether it got no reply, one, or several. Busy / rate-limit notices are told apart from
 * answers by their wording. Posts with message metadata are returned by conversations.replies
 * (with their metadata), as Slack does with include_all_metadata, so a worker restarted after a
 * kill can find the answer its predecessor posted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ThreadPosts {
  /** chat.postMessage calls with this thread_ts (answers and notices alike). */
  posts: number;
  /** Of those, how many read like a "busy / too many requests" notice. */
  notices: number;
  ephemeral: number;
  firstAt: number;
  lastAt: number;
}

export interface FakeSlack {
  url: string;
  /** The value for SLACK_API_URL. */
  apiUrl: string;
  threads: Map<string, ThreadPosts>;
  methods: Map<string, number>;
  /** Epoch ms of the latest chat.postMessage. */
  lastPostAt(): number;
  reset(): void;
  close(): Promise<void>;
}

/** src/bot/intake.ts busyNotice and tooFastNotice both say the turn was not taken. */
const noticeWording = /didn.t take this one|too many requests|ask again/i;

function args(req: IncomingMessage, body: string): Record<string, string> {
  if ((req.headers["content-type"] ?? "").includes("json")) {
    const parsed = JSON.parse(body || "{}") as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const threads = new Map<string, ThreadPosts>();
  const methods = new Map<string, number>();
  let lastPost = 0;
  let seq = 0;
  /** thread_ts -> posts that carried metadata (the rest are never searched). */
  const tagged = new Map<string, { ts: string; metadata: unknown }[]>();
  const thread = (ts: string): ThreadPosts => {
    let t = threads.get(ts);
    if (!t) {
      t = { posts: 0, notices: 0, ephemeral: 0, firstAt: 0, lastAt: 0 };
      threads.set(ts, t);
    }
    return t;
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const method = (req.url ?? "/").replace(/^\/api\//, "").replace(/\?.*$/, "");
      methods.set(method, (methods.get(method) ?? 0) + 1);
      let a: Record<string, string> = {};
      try {
        a = args(req, Buffer.concat(chunks).toString("utf8"));
      } catch {
        // A body we cannot read is still counted under its method.
      }
      const now = Date.now();
      let out: Record<string, unknown> = { ok: true };
      if (method === "chat.postMessage") {
        lastPost = now;
        const ts = `1799999999.${String(++seq).padStart(6, "0")}`;
        if (a.thread_ts) {
          const t = thread(a.thread_ts);
          t.posts++;
          if (noticeWording.test(a.text ?? "")) t.notices++;
          t.firstAt ||= now;
          t.lastAt = now;
        }
        if (a.thread_ts && a.metadata) {
          let metadata: unknown;
          try {
            metadata = JSON.parse(a.metadata);
          } catch {
            metadata = undefined;
          }
          if (metadata) tagged.set(a.thread_ts, [...(tagged.get(a.thread_ts) ?? []), { ts, metadata }]);
        }
        out = { ok: true, channel: a.channel, ts, message: { ts } };
      } else if (method === "conversations.replies") {
        const messages = (tagged.get(a.ts ?? "") ?? []).map((m) => ({ type: "message", bot_id: "B0BENCH", ...m }));
        out = { ok: true, messages, has_more: false };
      } else if (method === "chat.postEphemeral") {
        if (a.thread_ts) thread(a.thread_ts).ephemeral++;
        out = { ok: true, message_ts: "1799999999.999999" };
      } else if (method === "conversations.members") {
        // The audience policy reads each channel's members once (cached): an admin-only channel
        // lets every answer stay in its thread, as in a channel that may see all three domains.
        out = { ok: true, members: ["U0DEMOALEX", "U0BENCHBOT"], response_metadata: { next_cursor: "" } };
      } else if (method === "auth.test") {
        out = { ok: true, user_id: "U0BENCHBOT", bot_id: "B0BENCH", team_id: "T0BENCH", team: "bench" };
      } else if (method === "chat.update") {
        out = { ok: true, channel: a.channel, ts: a.ts };
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(out));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    threads,
    methods,
    lastPostAt: () => lastPost,
    reset: () => {
      threads.clear();
      methods.clear();
      tagged.clear();
      lastPost = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
