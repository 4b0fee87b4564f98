import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { serve } from "@hono/node-server";
import { signSlackRequest } from "../../adapters/slack/webhook/verify.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { OrgConfig } from "../../src/config/org.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import { type Logger, silentLogger } from "../../src/core/logger.ts";
import { type App, compose } from "../../src/main.ts";
import { createServer } from "../../src/server.ts";
import { type RecordedRequest, startFakeServer } from "./http.ts";
import { connectTestRedis, redisUrl } from "./redis.ts";
import { startTeamsAuth, type TeamsTestAuth } from "./teams-tokens.ts";

/**
 * The composed server (src/compose/app.ts, as `node src/main.ts start` builds it: role "all",
 * queued turns and approved calls, the offline agent) on a real ephemeral port, with Slack and
 * Teams both configured, over real Redis under a fresh key prefix. It is driven as the
 * platforms drive it: signed Slack events and interactivity over HTTP, Bot Framework activities
 * carrying channel tokens from a local identity provider that the app validates for real.
 * Replies land at a local fake Slack Web API and a local fake Bot Framework connector.
 */
export interface WholeApp {
  url: string;
  app: App;
  slack: FakeSlackApi;
  connector: FakeConnector;
  teamsAuth: TeamsTestAuth;
  /** POST /slack/events with an Events API envelope, signed with the app's signing secret. */
  slackEvent(event: Record<string, unknown>): Promise<Response>;
  /** POST /slack/events with this Events API envelope as it is (any team), signed. */
  slackEnvelope(envelope: Record<string, unknown>): Promise<Response>;
  /** POST /slack/events with an interactivity payload (form-encoded `payload=`), signed. */
  slackInteraction(payload: Record<string, unknown>): Promise<Response>;
  /** POST /api/messages with a channel token for this activity. */
  teamsActivity(activity: Record<string, unknown>): Promise<Response>;
  close(): Promise<void>;
}

export interface FakeSlackApi {
  url: string;
  requests: RecordedRequest[];
  /** Decoded arguments of every call of a Web API method, oldest first. */
  calls(method: string): Record<string, unknown>[];
  /** What response_url received. */
  responses(): Record<string, unknown>[];
  /**
   * Every chat.postMessage with the ts this fake answered, oldest first, as the message reads
   * now: a chat.update replaces its text, blocks and metadata, as Slack does. A turn's placeholder is
   * left out while it still is one (`calls("chat.postMessage")` has it).
   */
  posted(): { ts: string; args: Record<string, unknown> }[];
}

export interface ConnectorCall {
  method: string;
  conversationId: string;
  activityId: string | undefined;
  activity: Record<string, unknown>;
  authorization: string;
  /** The activity id this fake answered (what a POST created). */
  responseId: string;
}

export interface FakeConnector {
  url: string;
  requests: RecordedRequest[];
  /** Every /v3/conversations/{id}/activities[/{activityId}] call, decoded. */
  calls(): ConnectorCall[];
}

export const slackSigningSecret = "whole-app-signing-secret-0123456789";
export const slackTeam = "T0WHOLE";
export const slackBotUser = "U0WHOLEBOT";

export function slackArgs(req: RecordedRequest): Record<string, unknown> {
  if ((req.headers["content-type"] ?? "").includes("json")) return JSON.parse(req.body || "{}");
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(req.body)) out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
  return out;
}

async function startFakeSlackApi(answer?: SlackApiAnswer): Promise<FakeSlackApi> {
  let seq = 0;
  const posted: { ts: string; args: Record<string, unknown> }[] = [];
  // Upload v2 (https://docs.slack.dev/messaging/working-with-files#uploading_files): the upload
  // URL is this server's own, so the bytes arrive here too.
  let base = "";
  const server = await startFakeServer((req) => {
    if (req.path.startsWith("/upload/")) return { status: 200, body: "OK" };
    const answered = answer?.(req);
    if (answered) return answered;
    const args = slackArgs(req);
    switch (req.path) {
      case "/api/chat.postMessage": {
        const ts = `1764493200.${String(++seq).padStart(6, "0")}`;
        posted.push({ ts, args });
        return { body: { ok: true, channel: args.channel, ts } };
      }
      case "/api/chat.update": {
        const i = posted.findIndex((p) => p.ts === args.ts && p.args.channel === args.channel);
        const before = posted[i];
        if (before) {
          const { text, blocks, metadata } = args;
          posted[i] = { ts: before.ts, args: { ...before.args, text, blocks, ...(metadata ? { metadata } : {}) } };
        }
        return { body: { ok: true, channel: args.channel, ts: args.ts } };
      }
      case "/api/chat.postEphemeral":
        return { body: { ok: true, message_ts: `1764493300.${String(++seq).padStart(6, "0")}` } };
      case "/api/conversations.open":
        return { body: { ok: true, channel: { id: `D${String(args.users).slice(1)}` } } };
      case "/api/auth.test":
        return { body: { ok: true, user_id: slackBotUser, team_id: slackTeam } };
      case "/api/files.getUploadURLExternal": {
        const fileId = `F${String(++seq).padStart(8, "0")}`;
        return { body: { ok: true, file_id: fileId, upload_url: `${base}/upload/${fileId}` } };
      }
      case "/api/files.completeUploadExternal": {
        const files = (Array.isArray(args.files) ? args.files : []) as { id: string; title?: string }[];
        return { body: { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) } };
      }
      default:
        return { body: { ok: true } };
    }
  });
  base = server.url;
  return {
    url: server.url,
    requests: server.requests,
    calls: (method) => server.requests.filter((r) => r.path === `/api/${method}`).map(slackArgs),
    responses: () => server.requests.filter((r) => r.path === "/respond").map(slackArgs),
    // A turn's "Working on it…" placeholder is not a reply until its answer replaces it.
    posted: () => posted.filter((p) => !isPlaceholder(p.args)),
    close: server.close,
  } as FakeSlackApi & { close(): Promise<void> };
}

async function startFakeConnector(answer?: SlackApiAnswer): Promise<FakeConnector & { close(): Promise<void> }> {
  let n = 0;
  const ids = new Map<RecordedRequest, string>();
  const server = await startFakeServer((req) => {
    const answered = answer?.(req);
    if (answered) return answered;
    const id = `teams-msg-${++n}`;
    ids.set(req, id);
    return { body: { id } };
  });
  return {
    url: server.url,
    requests: server.requests,
    calls: () =>
      server.requests.flatMap((r) => {
        const match = /^\/v3\/conversations\/([^/?]+)\/activities(?:\/([^/?]+))?/.exec(r.path);
        if (!match) return [];
        return [
          {
            method: r.method,
            conversationId: decodeURIComponent(match[1] ?? ""),
            activityId: match[2] === undefined ? undefined : decodeURIComponent(match[2]),
            activity: JSON.parse(r.body || "{}") as Record<string, unknown>,
            authorization: String(r.headers.authorization ?? ""),
            responseId: ids.get(r) ?? "",
          },
        ];
      }),
    close: server.close,
  };
}

/** A test's own answer to a Web API call (oauth.v2.access, auth.test per token); undefined = the default fake. */
export type SlackApiAnswer = (req: RecordedRequest) => { status?: number; body?: unknown } | undefined;

export async function startWholeApp(options: {
  org: OrgConfig;
  ports?: Ports;
  /** Variables over the defaults below; `undefined` unsets one (SLACK_BOT_TOKEN for OAuth installs). */
  env?: Record<string, string | undefined>;
  slackApi?: SlackApiAnswer;
  /** A test's own answer to a Bot Framework connector call (GET .../members/{id}); undefined = the default fake. */
  connectorApi?: SlackApiAnswer;
  /**
   * botframework-connector caches outbound tokens per app id, process-wide: a file that
   * starts a second app (with its own identity provider) passes another app id.
   */
  teamsAppId?: string;
  /** Where the app logs (silent by default). */
  logger?: Logger;
}): Promise<WholeApp> {
  if (!redisUrl) throw new Error("the whole-app suite needs REDIS_URL");
  const slack = (await startFakeSlackApi(options.slackApi)) as FakeSlackApi & { close(): Promise<void> };
  const connector = await startFakeConnector(options.connectorApi);
  const teamsAuth = await startTeamsAuth(options.teamsAppId ? { appId: options.teamsAppId } : {});
  const store = await connectTestRedis(`test:whole-app:${randomUUID()}:`);
  const { env } = loadConfig({
    NODE_ENV: "test",
    REDIS_URL: redisUrl,
    SLACK_SIGNING_SECRET: slackSigningSecret,
    SLACK_BOT_TOKEN: "xoxb-whole-app-token",
    SLACK_API_URL: `${slack.url}/api/`,
    MICROSOFT_APP_ID: teamsAuth.appId,
    MICROSOFT_APP_PASSWORD: teamsAuth.appPassword,
    MICROSOFT_APP_TYPE: "MultiTenant",
    ...options.env,
  });
  const app = await compose(
    { env, org: options.org, orgSource: "whole-app test" },
    {
      store,
      logger: options.logger ?? silentLogger,
      // Console digest targets print here instead of into the test run's output.
      output: new Writable({ write: (_chunk, _encoding, done) => done() }),
      platforms: true,
      listen: true,
      role: "all",
      teamsEndpoints: teamsAuth.endpoints,
      ...(options.ports ? { ports: options.ports } : {}),
    },
  );
  const http = createServer({
    store: app.store,
    logger: app.logger,
    inFlight: app.inFlight,
    routes: app.routes,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    metrics: app.metrics,
  });
  const server = serve({ fetch: http.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const signedPost = (body: string, contentType: string) => {
    const now = Math.floor(Date.now() / 1000);
    return fetch(`${url}/slack/events`, {
      method: "POST",
      body,
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(now),
        "x-slack-signature": signSlackRequest(slackSigningSecret, now, body),
      },
    });
  };

  return {
    url,
    app,
    slack,
    connector,
    teamsAuth,
    slackEvent: (event) =>
      signedPost(
        JSON.stringify({
          token: "legacy",
          team_id: slackTeam,
          api_app_id: "A0DAYBOOK",
          type: "event_callback",
          event_id: `Ev${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`,
          event_time: Math.floor(Date.now() / 1000),
          event,
          authorizations: [{ team_id: slackTeam, user_id: slackBotUser, is_bot: true }],
        }),
        "application/json",
      ),
    slackEnvelope: (envelope) => signedPost(JSON.stringify(envelope), "application/json"),
    slackInteraction: (payload) =>
      signedPost(
        new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
        "application/x-www-form-urlencoded",
      ),
    teamsActivity: (activity) =>
      fetch(`${url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...teamsAuth.headers(activity as { serviceUrl?: string }) },
        body: JSON.stringify(activity),
      }),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stopIntake();
      await app.work?.stop(5_000);
      await app.inFlight.drain(5_000);
      await app.close();
      await Promise.all([slack.close(), connector.close(), teamsAuth.close()]);
    },
  };
}

/** A turn's placeholder (metadata `placeholder: true`, adapters/slack/adapter.ts) while it still is one. */
export function isPlaceholder(args: Record<string, unknown>): boolean {
  const meta = args.metadata as { event_payload?: { placeholder?: unknown } } | undefined;
  return meta?.event_payload?.placeholder === true;
}
