/**
 * Composition root: the only file that wires adapters/, chains/ and tools/ together.
 *   node src/main.ts                 start the HTTP server (npm start)
 *   node src/main.ts chat [--as id]  terminal chat (npm run chat)
 *   node src/main.ts digest <name> [--post]   run one digest now (npm run digest)
 *   node src/main.ts audit [--limit n]        approval audit log (npm run audit)
 */
import { once } from "node:events";
import { existsSync } from "node:fs";
import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { ConsoleAdapter } from "../adapters/console/console-adapter.ts";
import { runConsoleChat } from "../adapters/console/repl.ts";
import { createSlackIntegration } from "../adapters/slack/app.ts";
import { suggestedPromptsFrom } from "../adapters/slack/listeners/assistant.ts";
import { teamsApproverIds } from "../adapters/teams/approvers.ts";
import { createTeamsIntegration } from "../adapters/teams/teams-integration.ts";
import { createAgentAnswerer } from "../chains/agent/agent.ts";
import { loadKnownEntities } from "../chains/agent/entities.ts";
import { ExampleSource } from "../chains/agent/examples.ts";
import { createChatModel } from "../chains/agent/model-factory.ts";
import { createDigestButtonHandlers } from "../chains/digests/buttons.ts";
import { createDigests } from "../chains/digests/registry.ts";
import { createXeroPort } from "../tools/accounting/xero.ts";
import { createToolCatalog } from "../tools/catalog.ts";
import { createHubSpotPort } from "../tools/crm/hubspot.ts";
import { createDemoPorts } from "../tools/demo/demo-ports.ts";
import { createJiraCloudPort, jiraSettingsFromEnv } from "../tools/jira/jira-cloud.ts";
import { Approvals } from "./approvals/approvals.ts";
import { runAuditCommand } from "./approvals/audit-command.ts";
import { Bot } from "./bot/bot.ts";
import { type ButtonHandler, createClickRouter } from "./bot/clicks.ts";
import { createPrincipalResolver } from "./bot/principals.ts";
import { ThreadHistory } from "./bot/thread-history.ts";
import type { Env } from "./config/env.ts";
import { type Config, loadConfig } from "./config/load.ts";
import type { ChatAdapter, ClickHandler } from "./core/chat.ts";
import type { Clock } from "./core/clock.ts";
import { systemClock } from "./core/clock.ts";
import type { Ports } from "./core/domain/ports.ts";
import { DaybookError, isDaybookError } from "./core/errors.ts";
import type { HttpRoute } from "./core/http.ts";
import { createLogger, type Logger } from "./core/logger.ts";
import type { Store } from "./core/store.ts";
import type { Platform } from "./core/thread.ts";
import { InFlight } from "./in-flight.ts";
import { runDigestCommand } from "./scheduler/digest-command.ts";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.ts";
import { createServer } from "./server.ts";
import { createStore } from "./store/create-store.ts";

export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  ports: Ports;
  bot: Bot;
  approvals: Approvals;
  adapters: Partial<Record<Platform, ChatAdapter>>;
  console: ConsoleAdapter;
  routes: HttpRoute[];
  inFlight: InFlight;
  scheduler: Scheduler;
  /** Every button click from every adapter goes through this router. */
  onClick: ClickHandler;
  modelLabel: string;
  /** Stops taking new work: cron firings (waiting for those in progress) and Socket Mode. */
  stopIntake(): Promise<void>;
  /** Stops intake if not done yet, then closes the store. */
  close(): Promise<void>;
}

export interface ComposeOptions {
  output?: Writable;
  clock?: Clock;
  logger?: Logger;
  /** Use this store instead of connecting one from REDIS_URL (tests). */
  store?: Store;
  /** Use these systems instead of the ones env selects (tests: another organisation's data). */
  ports?: Ports;
  /** Create the Slack/Teams adapters and routes configured by env (server and `digest --post`). */
  platforms?: boolean;
  /** Also start listening transports that need it (Slack Socket Mode); only the server does. */
  listen?: boolean;
}

/** Each outside system is real when its credentials are set, else the demo organisation. */
export function createPorts(env: Env, deps: { store: Store; clock: Clock; logger: Logger }): Ports {
  const demo = createDemoPorts({ clock: deps.clock });
  // Refuses a partial Jira set-up (naming the missing variables) rather than silently using the demo.
  const jiraSettings = jiraSettingsFromEnv(env);
  const xeroReal = Boolean(
    env.XERO_TENANT_ID && (env.XERO_ACCESS_TOKEN || (env.XERO_CLIENT_ID && env.XERO_CLIENT_SECRET)),
  );
  if (env.XERO_TENANT_ID && !xeroReal) {
    throw new DaybookError(
      "config_invalid",
      "XERO_TENANT_ID is set but no credentials are. Fix: set XERO_CLIENT_ID and XERO_CLIENT_SECRET (custom connection) or XERO_ACCESS_TOKEN.",
    );
  }
  const jira = jiraSettings ? createJiraCloudPort(jiraSettings, deps) : demo.jira;
  const crm = env.HUBSPOT_ACCESS_TOKEN
    ? createHubSpotPort(
        {
          accessToken: env.HUBSPOT_ACCESS_TOKEN,
          ...(env.HUBSPOT_BASE_URL ? { baseUrl: env.HUBSPOT_BASE_URL } : {}),
          ...(env.HUBSPOT_CURRENCY ? { currency: env.HUBSPOT_CURRENCY } : {}),
        },
        deps,
      )
    : demo.crm;
  const accounting =
    xeroReal && env.XERO_TENANT_ID
      ? createXeroPort(
          {
            tenantId: env.XERO_TENANT_ID,
            ...(env.XERO_BASE_URL ? { baseUrl: env.XERO_BASE_URL } : {}),
            ...(env.XERO_CLIENT_ID ? { clientId: env.XERO_CLIENT_ID } : {}),
            ...(env.XERO_CLIENT_SECRET ? { clientSecret: env.XERO_CLIENT_SECRET } : {}),
            ...(env.XERO_ACCESS_TOKEN ? { accessToken: env.XERO_ACCESS_TOKEN } : {}),
          },
          deps,
        )
      : demo.accounting;
  return {
    jira,
    crm,
    accounting,
    sources: {
      jira: jira === demo.jira ? "demo" : "real",
      crm: crm === demo.crm ? "demo" : "real",
      accounting: accounting === demo.accounting ? "demo" : "real",
    },
  };
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.env.LOG_LEVEL });
  const store = options.store ?? (await createStore(config.env.REDIS_URL, logger));
  const { env, org } = config;
  const inFlight = new InFlight();
  const consoleAdapter = new ConsoleAdapter({ output: options.output ?? process.stdout, clock });
  const adapters: Partial<Record<Platform, ChatAdapter>> = { console: consoleAdapter };
  const adapterFor = (platform: Platform): ChatAdapter => {
    const adapter = adapters[platform];
    if (!adapter) throw new DaybookError("internal", `no ${platform} adapter is configured`);
    return adapter;
  };

  const ports = options.ports ?? createPorts(env, { store, clock, logger });
  const catalog = createToolCatalog(ports, { clock, timeZone: org.timezone });
  const principals = createPrincipalResolver(org);
  const approvals = new Approvals({
    store,
    actions: catalog.actions,
    policies: org.approvals,
    principals,
    clock,
    logger,
    post: (thread, card) => adapterFor(thread.platform).post(thread, card),
    update: (message, card) => adapterFor(message.thread.platform).update(message, card),
  });

  // Help, suggested prompts and the offline model's suggestions name this organisation's own
  // customers and sprint (generic wording while a system cannot be read), refreshed hourly.
  const examples = new ExampleSource(ports, {
    clock,
    onError: (error) => logger.warn("could not read example questions", { error }),
  });
  await examples.refresh();
  const model = createChatModel({
    ...(env.OPENAI_API_KEY ? { openaiApiKey: env.OPENAI_API_KEY } : {}),
    ...(env.OPENAI_BASE_URL ? { openaiBaseUrl: env.OPENAI_BASE_URL } : {}),
    openaiModel: env.OPENAI_MODEL,
    clock,
    // The offline model recognises customer and deal names before any tool returned them.
    entities: env.OPENAI_API_KEY ? [] : await loadKnownEntities(ports).catch(() => []),
    examples: examples.current,
  });
  const answerer = createAgentAnswerer({
    model: model.model,
    modelLabel: model.label,
    catalog,
    approvals,
    logger,
    clock,
    timezone: org.timezone,
    limits: { maxToolCalls: org.agent.maxToolCalls, maxTurnMs: org.agent.maxTurnMs },
  });

  const history = new ThreadHistory(store, org.agent.historyTurns * 2);
  const allDemo = Object.values(ports.sources).every((source) => source === "demo");
  const bot = new Bot({
    answerer,
    history,
    principals,
    logger,
    clock,
    approvals,
    textDecisions: (platform) => platform !== "console" || allDemo,
    examples: examples.current,
  });
  const handlers: Record<string, ButtonHandler> = createDigestButtonHandlers({
    approvals,
    principals,
    ports,
    handle: bot.handle,
    clock,
  });
  const onClick = createClickRouter({ approvals, logger, handlers });
  const routes: HttpRoute[] = [];
  const closers: (() => Promise<void>)[] = [];

  if (options.platforms) {
    if (env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET || env.SLACK_SOCKET_MODE) {
      const slack = createSlackIntegration({
        signingSecret: env.SLACK_SIGNING_SECRET,
        botToken: env.SLACK_BOT_TOKEN,
        appToken: env.SLACK_APP_TOKEN,
        socketMode: env.SLACK_SOCKET_MODE,
        apiUrl: env.SLACK_API_URL,
        devSkipVerify: env.SLACK_DEV_SKIP_VERIFY,
        nodeEnv: env.NODE_ENV,
        store,
        logger,
        clock,
        handle: bot.handle,
        onClick,
        suggestedPrompts: () => suggestedPromptsFrom(examples.current()),
      });
      adapters.slack = slack.adapter;
      routes.push(slack.route);
      if (options.listen) {
        await slack.start();
        closers.push(() => slack.stop());
      }
    } else {
      routes.push(notConfigured("/slack/events", "Slack", "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN"));
    }
    // Teams is served only with app credentials (every activity's JWT is validated) or, for
    // local testing, with the explicit TEAMS_DEV_SKIP_AUTH flag (the adapter refuses it in
    // production). Never unauthenticated by default: anyone could post as any configured user.
    if (env.MICROSOFT_APP_ID || env.TEAMS_DEV_SKIP_AUTH) {
      const teams = createTeamsIntegration({
        appId: env.MICROSOFT_APP_ID,
        appPassword: env.MICROSOFT_APP_PASSWORD,
        appType: env.MICROSOFT_APP_TYPE,
        tenantId: env.MICROSOFT_APP_TENANT_ID,
        devSkipAuth: env.TEAMS_DEV_SKIP_AUTH,
        // A single-tenant bot serves its own tenant only.
        allowedTenants: env.MICROSOFT_APP_TENANT_ID ? [env.MICROSOFT_APP_TENANT_ID] : [],
        nodeEnv: env.NODE_ENV,
        store,
        logger,
        clock,
        handle: bot.handle,
        onClick,
        // Only people who may decide see live buttons (refresh.userIds); clicks are re-checked anyway.
        approverIdsFor: async (approvalId) => {
          const approval = await approvals.get(approvalId);
          return approval ? teamsApproverIds(approval, org.users) : [];
        },
      });
      adapters.teams = teams.adapter;
      routes.push(teams.route);
    } else {
      routes.push(
        notConfigured(
          "/api/messages",
          "Teams",
          "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (or TEAMS_DEV_SKIP_AUTH=true locally)",
        ),
      );
    }
  }

  // Adapters register above, so the scheduler sees every platform that is configured.
  const digests = createDigests({ ports, clock, timeZone: org.timezone, store, logger });
  const scheduler = createScheduler({ org, digests, adapters, store, clock, logger });

  let intakeStopped: Promise<void> | undefined;
  const stopIntake = () => {
    intakeStopped ??= (async () => {
      await scheduler.stop();
      for (const close of closers) await close().catch(() => {});
    })();
    return intakeStopped;
  };

  logger.info("daybook composed", {
    org: config.orgSource,
    model: model.label,
    sources: ports.sources,
    platforms: Object.keys(adapters),
  });

  return {
    config,
    logger,
    store,
    ports,
    bot,
    approvals,
    adapters,
    console: consoleAdapter,
    routes,
    inFlight,
    scheduler,
    onClick,
    modelLabel: model.label,
    stopIntake,
    close: async () => {
      await stopIntake();
      await store.close();
    },
  };
}

/** A platform route that explains how to enable it instead of a bare 404. */
function notConfigured(path: string, platform: string, variables: string): HttpRoute {
  return {
    method: "POST",
    path,
    handle: async () =>
      Response.json(
        { error: { code: "not_configured", message: `${platform} is not configured: set ${variables}.` } },
        { status: 503 },
      ),
  };
}

async function start(config: Config): Promise<void> {
  const app = await compose(config, { platforms: true, listen: true });
  const http = createServer({
    store: app.store,
    logger: app.logger,
    inFlight: app.inFlight,
    routes: app.routes,
    bodyLimitBytes: config.env.BODY_LIMIT_BYTES,
  });
  const server = serve({ fetch: http.fetch, port: config.env.PORT });
  try {
    // Rejects with the server's "error" event: a busy port must not leave a half-started process.
    await once(server, "listening");
  } catch (error) {
    await app.close();
    throw listenError(error, config.env.PORT);
  }
  app.scheduler.start();
  const address = server.address();
  app.logger.info("daybook listening", {
    port: typeof address === "object" && address ? address.port : config.env.PORT,
    org: config.orgSource,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info("shutting down", { signal, inFlight: app.inFlight.size });
    // Stop taking work first (HTTP, cron, Socket Mode), then let acknowledged work (answers
    // being written, approved calls running) finish, then close the store under nobody.
    server.close();
    await app.stopIntake();
    const drained = await app.inFlight.drain(25_000);
    if (!drained) app.logger.warn("in-flight work did not finish before the shutdown deadline");
    await app.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

/** A busy or privileged port is a settings problem: one line naming the port and the fix, exit 2. */
function listenError(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return new DaybookError(
      "config_invalid",
      `port ${port} is already in use (another daybook or program is listening). Stop it or set PORT=${port < 65535 ? port + 1 : 3000}.`,
      { cause: error },
    );
  }
  if (code === "EACCES") {
    return new DaybookError(
      "config_invalid",
      `port ${port} needs privileges this process does not have. Set PORT to 1024 or above, e.g. PORT=3000.`,
      { cause: error },
    );
  }
  return error;
}

/** CLI commands keep logs quiet unless LOG_LEVEL is set explicitly. */
function cliLogger(config: Config): Logger {
  return createLogger({ level: process.env.LOG_LEVEL ? config.env.LOG_LEVEL : "warn" });
}

async function chat(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { as: { type: "string" } }, allowPositionals: false });
  const userId = values.as ?? config.org.consoleUser;
  if (userId === undefined) {
    throw new DaybookError(
      "config_invalid",
      `${config.orgSource} configures no users, so the console has nobody to speak as. Fix: add a person under users: (see daybook.example.yaml).`,
    );
  }
  if (!config.org.users.some((u) => u.id === userId)) {
    const known = config.org.users.map((u) => u.id).join(", ");
    throw new Error(`--as ${userId}: no such user in ${config.orgSource}. Known users: ${known}`);
  }
  const app = await compose(config, { logger: cliLogger(config) });
  const interactive = Boolean(process.stdin.isTTY);
  await runConsoleChat({
    handle: app.bot.handle,
    adapter: app.console,
    user: { platform: "console", id: userId },
    input: process.stdin,
    output: process.stdout,
    interactive,
    banner: `daybook console (${config.orgSource}, ${app.modelLabel}) as ${userId}. Type "help", or "exit" to leave.`,
  });
  await app.inFlight.drain(10_000);
  await app.close();
}

async function digest(config: Config, args: string[]): Promise<number> {
  // Posting (--post) goes through the console adapter and any platform configured by env.
  const app = await compose(config, { logger: cliLogger(config), platforms: args.includes("--post") });
  try {
    return await runDigestCommand({ argv: args, scheduler: app.scheduler, output: process.stdout });
  } finally {
    await app.close();
  }
}

async function audit(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { limit: { type: "string" } }, allowPositionals: false });
  const logger = cliLogger(config);
  const store = await createStore(config.env.REDIS_URL, logger);
  if (!config.env.REDIS_URL) {
    process.stderr.write("daybook: REDIS_URL is not set, so other processes' approvals are not visible here.\n");
  }
  try {
    await runAuditCommand({ store, output: process.stdout, limit: values.limit ? Number(values.limit) : 50 });
    // runAuditCommand answers how many entries it printed; that is not an exit status.
    return 0;
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number | undefined> {
  const [command = "start", ...rest] = argv;
  // A local .env (copied from .env.example) is read when present; real deployments set env vars.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  switch (command) {
    case "start":
      await start(config);
      return undefined;
    case "chat":
      await chat(config, rest);
      return 0;
    case "digest":
      return digest(config, rest);
    case "audit":
      return audit(config, rest);
    default:
      throw new Error(`unknown command "${command}". Use: start, chat, digest, audit`);
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      // Config and start-up errors are written for people: print the message, not a stack.
      const message = isDaybookError(error) || error instanceof Error ? error.message : String(error);
      process.stderr.write(`daybook: ${message}\n`);
      process.exit(isDaybookError(error) && error.code === "config_invalid" ? 2 : 1);
    },
  );
}
