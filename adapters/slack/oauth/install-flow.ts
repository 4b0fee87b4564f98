import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type CodedError,
  ErrorCode,
  type Installation,
  InstallProvider,
  type Logger as OAuthLogger,
} from "@slack/oauth";
import type { Clock } from "../../../src/core/clock.ts";
import type { HttpRoute } from "../../../src/core/http.ts";
import { LogGate } from "../../../src/core/log-gate.ts";
import type { Logger } from "../../../src/core/logger.ts";
import type { Store } from "../../../src/core/store.ts";
import { boltLogger } from "../bolt-logger.ts";
import { normalizeApiUrl, slackRetryConfig } from "../web-client.ts";
import { StoreInstallationStore } from "./installation-store.ts";
import { installScopes } from "./scopes.ts";
import { StoreStateStore, stateTtlSeconds } from "./state-store.ts";

export interface InstallFlowOptions {
  clientId: string;
  clientSecret: string;
  stateSecret: string;
  store: Store;
  /** Web API base (SLACK_API_URL): oauth.v2.access and auth.test go there. */
  apiUrl?: string | undefined;
  logger: Logger;
  clock?: Clock;
  /** Slack's authorize page; tests leave it as is and never follow the redirect. */
  authorizationUrl?: string;
}

export interface InstallFlow {
  installer: InstallProvider;
  installations: StoreInstallationStore;
  /** GET /slack/install and GET /slack/oauth_redirect. */
  routes: HttpRoute[];
}

/**
 * Slack's OAuth v2 install (https://docs.slack.dev/authentication/installing-with-oauth) with
 * @slack/oauth's InstallProvider over daybook's Store: `/slack/install` sets a state cookie and
 * redirects to Slack's authorize page; `/slack/oauth_redirect` checks the state (cookie, signature,
 * one use, 10 minutes), exchanges the code with oauth.v2.access and stores the installation.
 */
export function createInstallFlow(options: InstallFlowOptions): InstallFlow {
  const logger = options.logger.child({ component: "slack-install" });
  const installations = new StoreInstallationStore(options.store);
  const rejections = new LogGate(options.clock ? { clock: options.clock } : {});
  const installer = new InstallProvider({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    stateStore: new StoreStateStore({ store: options.store, secret: options.stateSecret }),
    stateCookieExpirationSeconds: stateTtlSeconds,
    installationStore: installations,
    installUrlOptions: { scopes: [...installScopes] },
    // Straight to Slack's authorize page: no landing page of our own to keep.
    directInstall: true,
    ...(options.authorizationUrl ? { authorizationUrl: options.authorizationUrl } : {}),
    logger: quietErrors(boltLogger(logger)),
    clientOptions: { slackApiUrl: normalizeApiUrl(options.apiUrl), retryConfig: slackRetryConfig(2) },
  });

  const install: HttpRoute = {
    method: "GET",
    path: "/slack/install",
    handle: async (request) => {
      const res = new ResponseRecorder();
      await installer.handleInstallPath(nodeRequest(request), res.asServerResponse());
      return res.toResponse();
    },
  };

  const redirect: HttpRoute = {
    method: "GET",
    path: "/slack/oauth_redirect",
    handle: async (request) => {
      const res = new ResponseRecorder();
      let outcome: Response | undefined;
      await installer.handleCallback(nodeRequest(request), res.asServerResponse(), {
        success: (installation) => {
          const where = workspaceName(installation);
          logger.info("daybook installed in a Slack workspace", {
            teamId: installation.team?.id,
            enterpriseId: installation.enterprise?.id,
            orgWide: installation.isEnterpriseInstall === true,
          });
          outcome = page(
            200,
            "daybook is installed",
            `daybook is now in ${where}. Mention @daybook in a channel or send it a direct message.`,
          );
        },
        failure: (error) => {
          const refusal = refusalOf(error);
          rejections.write(logger, "warn", "refused a Slack install callback", refusal.reason);
          outcome = page(refusal.status, "daybook was not installed", refusal.text);
        },
      });
      return res.toResponse(outcome);
    },
  };

  return { installer, installations, routes: [install, redirect] };
}

interface Refusal {
  status: number;
  reason: string;
  text: string;
}

const startAgain = 'Start again from <a href="/slack/install">/slack/install</a>.';

/** What the installer is told, by @slack/oauth's error codes; the error's own text stays in no page. */
function refusalOf(error: CodedError): Refusal {
  switch (error.code) {
    case ErrorCode.InvalidStateError:
    case ErrorCode.MissingStateError:
      return {
        status: 400,
        reason: "invalid_state",
        text: `This install link is not valid here: it has expired (links last ${stateTtlSeconds / 60} minutes), was already used, or was started in another browser. Nothing was installed. ${startAgain}`,
      };
    case ErrorCode.MissingCodeError:
      return {
        status: 400,
        reason: "missing_code",
        text: `Slack sent no authorization code. Nothing was installed. ${startAgain}`,
      };
    case ErrorCode.AuthorizationError:
      return { status: 400, reason: "cancelled", text: `The installation was cancelled in Slack. ${startAgain}` };
    default:
      return {
        status: 502,
        reason: "exchange_failed",
        text: `Slack did not confirm the installation, so nothing was installed. Try again in a minute. ${startAgain}`,
      };
  }
}

function workspaceName(installation: Installation<"v1" | "v2", boolean>): string {
  const name = installation.isEnterpriseInstall ? installation.enterprise?.name : installation.team?.name;
  return name
    ? `the ${installation.isEnterpriseInstall ? "organisation" : "workspace"} ${escapeHtml(name)}`
    : "your workspace";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A plain page; `html` is ours (a workspace's name in it is escaped), never an error's message. */
function page(status: number, title: string, html: string): Response {
  const safeTitle = escapeHtml(title);
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>${safeTitle}</title></head><body><h1>${safeTitle}</h1><p>${html}</p></body></html>`,
    { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } },
  );
}

/** InstallProvider logs every failed callback at error; anyone can cause one, so the route logs it instead, gated. */
function quietErrors(logger: OAuthLogger): OAuthLogger {
  return { ...logger, error: () => {} };
}

/**
 * The parts of a Node request InstallProvider reads (install-provider.js: `url`, `headers.host`
 * for parsing the query, `headers.cookie` for the state cookie). The server hands routes a
 * Fetch Request, so those three are copied across.
 */
function nodeRequest(request: Request): IncomingMessage {
  const url = new URL(request.url);
  const shim = {
    url: `${url.pathname}${url.search}`,
    headers: { host: url.host, ...(request.headers.has("cookie") ? { cookie: request.headers.get("cookie") } : {}) },
  };
  // Only the fields listed above are read; the rest of IncomingMessage is never touched.
  return shim as unknown as IncomingMessage;
}

/** The ServerResponse calls InstallProvider makes (setHeader, getHeader, writeHead, end), recorded into a Fetch Response. */
class ResponseRecorder {
  #status = 200;
  #headers = new Headers();
  #body = "";

  asServerResponse(): ServerResponse {
    const shim = {
      setHeader: (name: string, value: string | string[]) => {
        this.#headers.delete(name);
        for (const v of Array.isArray(value) ? value : [value]) this.#headers.append(name, v);
        return shim;
      },
      getHeader: (name: string) => {
        if (name.toLowerCase() === "set-cookie") {
          const cookies = this.#headers.getSetCookie();
          return cookies.length > 0 ? cookies : undefined;
        }
        return this.#headers.get(name) ?? undefined;
      },
      writeHead: (status: number) => {
        this.#status = status;
        return shim;
      },
      end: (body?: string) => {
        this.#body = body ?? "";
        return shim;
      },
    };
    // Only the four methods above are called; the rest of ServerResponse is never touched.
    return shim as unknown as ServerResponse;
  }

  /** The recorded response, or `page` with the recorded headers (the state cookie's deletion). */
  toResponse(page?: Response): Response {
    if (!page) return new Response(this.#body || null, { status: this.#status, headers: this.#headers });
    const headers = new Headers(page.headers);
    for (const cookie of this.#headers.getSetCookie()) headers.append("set-cookie", cookie);
    return new Response(page.body, { status: page.status, headers });
  }
}
