/**
 * A local Slack for Socket Mode tests: one HTTP server that is both the Web API
 * (`apps.connections.open` plus the chat methods daybook calls) and the Socket Mode WebSocket
 * server (the `ws` package), speaking the protocol of https://api.slack.com/apis/socket-mode:
 *
 * - `apps.connections.open` takes the app-level token (xapp-...) and returns a single-use
 *   `wss://` URL; here `ws://127.0.0.1:<port>/link/?ticket=<n>`.
 * - On connect the server sends `hello`; it delivers envelopes
 *   `{envelope_id, payload, type, accepts_response_payload, retry_attempt, retry_reason}`
 *   and the app acks with `{envelope_id}` (optionally with a `payload`).
 * - The server may send `disconnect` (refresh_requested, warning, link_disabled) and close.
 * - An envelope not acked is delivered again, with retry_attempt + 1, on the next connection.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { type RecordedRequest, startFakeServer } from "./http.ts";
import { slackArgs } from "./whole-app.ts";

export type EnvelopeType = "events_api" | "interactive" | "slash_commands";

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface Ack {
  envelopeId: string;
  /** Which connection (1-based, in order of opening) carried the ack. */
  connection: number;
  /** Milliseconds from sending the envelope on that connection to its ack. */
  afterMs: number;
  payload: unknown;
}

export interface Delivery {
  envelope: Envelope;
  connection: number;
  sentAt: number;
}

export interface SocketModeSlack {
  /** The value for SLACK_API_URL (Web API and apps.connections.open alike). */
  apiUrl: string;
  appToken: string;
  requests: RecordedRequest[];
  /** Decoded arguments of every call of a Web API method, oldest first. */
  calls(method: string): Record<string, unknown>[];
  /** chat.postMessage calls with the ts this fake answered, as they read now (chat.update applied). */
  posted(): { ts: string; args: Record<string, unknown> }[];
  /** apps.connections.open calls that returned a URL. */
  opened(): number;
  /** WebSocket connections that received `hello`. */
  connections(): number;
  /** Resolves once `n` connections have received `hello`. */
  connected(n: number, ms?: number): Promise<void>;
  /**
   * Sends an envelope on the open connection, or queues it until the next one (as Slack holds
   * events while no connection is open). Resolves with its first ack.
   */
  deliver(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options?: { envelopeId?: string; ackWaitMs?: number },
  ): Promise<Ack>;
  /** Sends the same envelope (same envelope_id) again on the open connection, as a retry. */
  redeliver(envelopeId: string, reason?: string): Promise<Ack>;
  /** Acks for one envelope id, in arrival order. */
  acks(envelopeId?: string): Ack[];
  deliveries(envelopeId?: string): Delivery[];
  /** Acks of this envelope on the open connection are dropped (a lost ack): it stays unacked. */
  loseAcksOf(envelopeId: string): void;
  /** Sends `{type:"disconnect", reason}`; closes the socket itself after `closeAfterMs`. */
  disconnect(reason: "refresh_requested" | "warning" | "link_disabled", closeAfterMs?: number): void;
  /** Destroys the TCP connection with no close frame (a dropped socket). */
  drop(): void;
  close(): Promise<void>;
}

const appId = "A0SOCKETMODE";

export async function startSocketModeSlack(
  options: {
    appToken?: string;
    botUserId?: string;
    teamId?: string;
    /** conversations.members of every channel (the audience policy reads it). */
    members?: string[];
    /**
     * How long deliver() waits for an ack, counted from the call (so it includes a reconnect
     * for an envelope held while no connection is open). Slack itself retries after 3 s.
     */
    ackWaitMs?: number;
  } = {},
): Promise<SocketModeSlack> {
  const appToken = options.appToken ?? "xapp-1-A0SOCKETMODE-1-socketmodetest";
  const ackWaitMs = options.ackWaitMs ?? 15_000;
  let seq = 0;
  let tickets = 0;
  let opened = 0;
  let hellos = 0;
  const issued = new Set<string>();
  const posted: { ts: string; args: Record<string, unknown> }[] = [];
  const envelopes = new Map<string, Envelope>();
  const acked = new Set<string>();
  /** envelope id -> the connection whose acks of it are lost. */
  const lost = new Map<string, number>();
  const ackLog: Ack[] = [];
  const deliveryLog: Delivery[] = [];
  const waiters = new Map<string, ((ack: Ack) => void)[]>();
  const queued: string[] = [];
  let socket: { ws: WebSocket; n: number } | undefined;
  let closing = false;

  const http = await startFakeServer((req) => {
    const args = slackArgs(req);
    switch (req.path) {
      case "/api/apps.connections.open": {
        // apps.connections.open takes the app-level token only:
        // https://api.slack.com/methods/apps.connections.open
        if (req.headers.authorization !== `Bearer ${appToken}`) {
          return { body: { ok: false, error: "not_allowed_token_type" } };
        }
        const ticket = `${++tickets}-${randomUUID()}`;
        issued.add(ticket);
        opened++;
        return { body: { ok: true, url: `${http.url.replace(/^http/, "ws")}/link/?ticket=${ticket}&app_id=${appId}` } };
      }
      case "/api/chat.postMessage": {
        const ts = `1764510000.${String(++seq).padStart(6, "0")}`;
        posted.push({ ts, args });
        return { body: { ok: true, channel: args.channel, ts } };
      }
      case "/api/chat.update": {
        // As Slack does: the message now reads as updated (a turn's placeholder becomes its answer).
        const i = posted.findIndex((p) => p.ts === args.ts && p.args.channel === args.channel);
        const before = posted[i];
        if (before) {
          const { text, blocks, metadata } = args;
          posted[i] = { ts: before.ts, args: { ...before.args, text, blocks, ...(metadata ? { metadata } : {}) } };
        }
        return { body: { ok: true, channel: args.channel, ts: args.ts } };
      }
      case "/api/chat.postEphemeral":
        return { body: { ok: true, message_ts: `1764510100.${String(++seq).padStart(6, "0")}` } };
      case "/api/conversations.members":
        return { body: { ok: true, members: options.members ?? [], response_metadata: { next_cursor: "" } } };
      case "/api/conversations.open":
        return { body: { ok: true, channel: { id: `D${String(args.users).slice(1)}` } } };
      case "/api/auth.test":
        return { body: { ok: true, user_id: options.botUserId ?? "U0SOCKBOT", team_id: options.teamId ?? "T0SOCK" } };
      default:
        return { body: { ok: true } };
    }
  });

  const wss = new WebSocket.Server({ server: http.server, path: "/link/" });
  wss.on("connection", (ws, req) => {
    const ticket = new URL(req.url ?? "/", "http://local").searchParams.get("ticket") ?? "";
    // A ticket is good for one connection; a reused URL is refused as Slack refuses it.
    if (!issued.delete(ticket)) {
      ws.close(4001, "invalid ticket");
      return;
    }
    const n = ++hellos;
    socket = { ws, n };
    ws.on("message", (data) => {
      let message: { envelope_id?: unknown; payload?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      const id = typeof message.envelope_id === "string" ? message.envelope_id : undefined;
      if (!id || lost.get(id) === n) return;
      const sent = [...deliveryLog].reverse().find((d) => d.envelope.envelope_id === id && d.connection === n);
      const ack: Ack = {
        envelopeId: id,
        connection: n,
        afterMs: sent ? Date.now() - sent.sentAt : -1,
        payload: message.payload,
      };
      ackLog.push(ack);
      acked.add(id);
      for (const resolve of waiters.get(id)?.splice(0) ?? []) resolve(ack);
    });
    ws.on("close", () => {
      if (socket?.ws === ws) socket = undefined;
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        connection_info: { app_id: appId },
        debug_info: { host: "fake-socket-mode", build_number: 1, approximate_connection_time: 3600 },
      }),
    );
    // Unacked envelopes from earlier connections come again, counted as retries, then the
    // ones that arrived while no connection was open.
    for (const envelope of envelopes.values()) {
      if (acked.has(envelope.envelope_id) || queued.includes(envelope.envelope_id)) continue;
      if (!deliveryLog.some((d) => d.envelope.envelope_id === envelope.envelope_id)) continue;
      send({ ...envelope, retry_attempt: envelope.retry_attempt + 1, retry_reason: "timeout" });
    }
    for (const id of queued.splice(0)) {
      const envelope = envelopes.get(id);
      if (envelope) send(envelope);
    }
  });

  function send(envelope: Envelope): void {
    if (!socket || socket.ws.readyState !== WebSocket.OPEN) {
      if (!queued.includes(envelope.envelope_id)) queued.push(envelope.envelope_id);
      return;
    }
    envelopes.set(envelope.envelope_id, envelope);
    deliveryLog.push({ envelope, connection: socket.n, sentAt: Date.now() });
    socket.ws.send(JSON.stringify(envelope));
  }

  /** The first ack of an envelope; rejects when none comes in `ackWaitMs` (the app never acked). */
  function firstAck(id: string, waitMs = ackWaitMs): Promise<Ack> {
    const done = ackLog.find((a) => a.envelopeId === id);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`envelope ${id} was not acked within ${waitMs} ms`)), waitMs);
      waiters.set(id, [
        ...(waiters.get(id) ?? []),
        (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      ]);
    });
  }

  return {
    apiUrl: `${http.url}/api/`,
    appToken,
    requests: http.requests,
    calls: (method) => http.requests.filter((r) => r.path === `/api/${method}`).map(slackArgs),
    // A turn's "Working on it…" placeholder is not a reply until its answer replaces it.
    posted: () => posted.filter((p) => !isPlaceholder(p.args)),
    opened: () => opened,
    connections: () => hellos,
    async connected(n, ms = 20_000) {
      const end = Date.now() + ms;
      while (hellos < n || !socket || socket.ws.readyState !== WebSocket.OPEN) {
        if (Date.now() > end) throw new Error(`Socket Mode: ${hellos} connection(s), waited for ${n}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    deliver(type, payload, deliverOptions = {}) {
      const envelope: Envelope = {
        envelope_id: deliverOptions.envelopeId ?? randomUUID(),
        type,
        payload,
        // Slack accepts a response payload on slash commands and some interactivity, never on events.
        accepts_response_payload: type !== "events_api",
        retry_attempt: 0,
        retry_reason: "",
      };
      envelopes.set(envelope.envelope_id, envelope);
      const ack = firstAck(envelope.envelope_id, deliverOptions.ackWaitMs);
      send(envelope);
      return ack;
    },
    redeliver(envelopeId, reason = "timeout") {
      const envelope = envelopes.get(envelopeId);
      if (!envelope) throw new Error(`no envelope ${envelopeId}`);
      const retries = deliveryLog.filter((d) => d.envelope.envelope_id === envelopeId).length;
      acked.delete(envelopeId);
      lost.delete(envelopeId);
      const before = ackLog.length;
      const end = Date.now() + ackWaitMs;
      const ack = new Promise<Ack>((resolve, reject) => {
        const check = () => {
          const found = ackLog.slice(before).find((a) => a.envelopeId === envelopeId);
          if (found) resolve(found);
          else if (Date.now() > end)
            reject(new Error(`envelope ${envelopeId} (retry) was not acked within ${ackWaitMs} ms`));
          else setTimeout(check, 10);
        };
        check();
      });
      send({ ...envelope, retry_attempt: retries, retry_reason: reason });
      return ack;
    },
    acks: (id) => ackLog.filter((a) => id === undefined || a.envelopeId === id),
    deliveries: (id) => deliveryLog.filter((d) => id === undefined || d.envelope.envelope_id === id),
    loseAcksOf: (id) => {
      if (socket) lost.set(id, socket.n);
    },
    disconnect(reason, closeAfterMs = 1_000) {
      const current = socket;
      if (!current) return;
      current.ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake-socket-mode" } }));
      setTimeout(() => {
        if (current.ws.readyState === WebSocket.OPEN) current.ws.close(1000, reason);
      }, closeAfterMs).unref();
    },
    drop() {
      socket?.ws.terminate();
      socket = undefined;
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.server.closeAllConnections();
      await http.close();
    },
  };
}

/** A turn's placeholder (metadata `placeholder: true`, adapters/slack/adapter.ts) while it still is one. */
function isPlaceholder(args: Record<string, unknown>): boolean {
  const meta = args.metadata as { event_payload?: { placeholder?: unknown } } | undefined;
  return meta?.event_payload?.placeholder === true;
}
