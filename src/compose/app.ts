import type { Writable } from "node:stream";
import { ConsoleAdapter } from "../../adapters/console/console-adapter.ts";
import type { BotFrameworkEndpoints } from "../../adapters/teams/bot-auth.ts";
import { ExampleSource } from "../../chains/agent/examples.ts";
import { chartMaker } from "../../chains/charts/charts.ts";
import { createDigestButtonHandlers } from "../../chains/digests/buttons.ts";
import { createDigests } from "../../chains/digests/registry.ts";
import { createToolCatalog } from "../../tools/catalog.ts";
import { Approvals } from "../approvals/approvals.ts";
import { AppHome } from "../bot/app-home.ts";
import { AudiencePolicy } from "../bot/audience.ts";
import { Bot } from "../bot/bot.ts";
import { type ButtonHandler, createClickRouter } from "../bot/clicks.ts";
import { createJiraFromMessage } from "../bot/jira-from-message.ts";
import { createPrincipalResolver } from "../bot/principals.ts";
import { RecentQuestions } from "../bot/recent-questions.ts";
import { Reminders } from "../bot/reminders.ts";
import { ThreadHistory } from "../bot/thread-history.ts";
import type { Config } from "../config/load.ts";
import type { Answerer } from "../core/answerer.ts";
import type { ChatAdapter, ClickHandler, MessageHandler } from "../core/chat.ts";
import type { Clock } from "../core/clock.ts";
import { systemClock } from "../core/clock.ts";
import type { Ports } from "../core/domain/ports.ts";
import { DaybookError } from "../core/errors.ts";
import type { HttpRoute } from "../core/http.ts";
import { sampleWarnings } from "../core/log-sampling.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { Metrics } from "../core/metrics.ts";
import type { Principal } from "../core/principal.ts";
import { readerOf } from "../core/reader-time.ts";
import type { Store } from "../core/store.ts";
import type { Platform } from "../core/thread.ts";
import { inPlatformSpan } from "../core/tracing.ts";
import { InFlight } from "../in-flight.ts";
import { createScheduler, type Scheduler } from "../scheduler/scheduler.ts";
import { createStore } from "../store/create-store.ts";
import { RedisStore } from "../store/redis-store.ts";
import { createFiles } from "./files.ts";
import { createPlatforms } from "./platforms.ts";
import { createPorts, tracePorts } from "./ports.ts";
import { startTracing } from "./tracing.ts";
import { type Role, Work } from "./work.ts";

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
  /** Stored reminders; `deliverDue` posts the due ones (a sweep runs in worker processes). */
  reminders: Reminders;
  /** Every button click from every adapter goes through this router. */
  onClick: ClickHandler;
  modelLabel: string;
  /** The queues and workers of a server process (undefined for CLI commands and tests without a role). */
  work: Work | undefined;
  /** This app's own Prometheus registry and metrics (GET /metrics; docs/metrics.md). */
  metrics: Metrics;
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
  /**
   * Run as a server process: platform turns, approved calls and digest firings go through
   * the work queue, and (unless "web") this process runs workers for them.
   */
  role?: Role;
  /** Use this registry instead of a new one (one per app by default). */
  metrics?: Metrics;
  /**
   * Where Teams validates inbound tokens and fetches outbound ones (default: botbuilder's public
   * Azure endpoints). Code-only, never read from env: the whole-app tests point it at a local
   * identity provider (test/support/bot-identity-provider.ts) so tokens are validated for real.
   */
  teamsEndpoints?: BotFrameworkEndpoints;
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  // The server's own logger folds a warning repeated past 10 a minute (a Redis outage warns on
  // every turn) into one line with the count; a logger handed in (tests, CLI) is used as it is.
  const logger = options.logger ?? sampleWarnings(createLogger({ level: config.env.LOG_LEVEL }), { max: 10 });
  // Before anything makes a span, so the first request is traced too (docs/tracing.md).
  const tracing = await startTracing(config.env, logger);
  const store = options.store ?? (await createStore(config.env.REDIS_URL, logger));
  const { env, org } = config;
  const inFlight = new InFlight();
  const metrics = options.metrics ?? new Metrics();
  metrics.priceModels(env.MODEL_PRICES);
  if (store instanceof RedisStore) store.observeCommands(metrics.redisCommands);
  const consoleAdapter = new ConsoleAdapter({ output: options.output ?? process.stdout, clock });
  const adapters: Partial<Record<Platform, ChatAdapter>> = { console: consoleAdapter };
  const adapterFor = (platform: Platform): ChatAdapter => {
    const adapter = adapters[platform];
    if (!adapter) throw new DaybookError("internal", `no ${platform} adapter is configured`);
    return adapter;
  };

  const ports = tracePorts(
    options.ports ?? (await createPorts(env, { store, clock, logger, upstream: metrics.upstream })),
  );
  let dispatchApproval = async (_approvalId: string): Promise<void> => {
    throw new DaybookError("internal", "the work queue is not ready");
  };
  // Charts and exports: kept in the store, served to Teams under signed links (src/compose/files.ts).
  const files = createFiles(env, { store, clock, logger });
  const catalog = createToolCatalog(ports, {
    clock,
    timeZone: org.timezone,
    files: files.shelf,
    charts: chartMaker({ ports, clock, timeZone: org.timezone }),
    ...(org.sales ? { sales: org.sales } : {}),
  });
  const principals = createPrincipalResolver(org);
  const approvals = new Approvals({
    store,
    actions: catalog.actions,
    policies: org.approvals,
    principals,
    clock,
    logger,
    metrics,
    post: (thread, card) =>
      inPlatformSpan(thread.platform, "post", () => adapterFor(thread.platform).post(thread, card)),
    update: (message, card) =>
      inPlatformSpan(message.thread.platform, "update", () =>
        adapterFor(message.thread.platform).update(message, card),
      ),
    // Approved calls go through the actions queue in the server (bound once `work` exists).
    ...(options.role ? { dispatch: (approvalId: string) => dispatchApproval(approvalId) } : {}),
  });

  // Help, suggested prompts and the offline model's suggestions name this organisation's own
  // customers and sprint (generic wording while a system cannot be read), refreshed hourly.
  const examples = new ExampleSource(ports, {
    clock,
    onError: (error) => logger.warn("could not read example questions", { error }),
  });
  await examples.refresh();
  // The agent (chains/agent: the offline model and its intents, prompts, the tool-calling loop)
  // is imported and made on the first question, not at start-up: a web process hands its turns
  // to a worker and may never ask one, and an idle process need not hold it (issue 15).
  const modelLabel = env.OPENAI_API_KEY ? env.OPENAI_MODEL : OFFLINE_MODEL_LABEL;
  const answerer = lazyAnswerer(async () => {
    const [{ createAgentAnswerer }, { createChatModel }, { loadKnownEntities }] = await Promise.all([
      import("../../chains/agent/agent.ts"),
      import("../../chains/agent/model-factory.ts"),
      import("../../chains/agent/entities.ts"),
    ]);
    const model = await createChatModel({
      ...(env.OPENAI_API_KEY ? { openaiApiKey: env.OPENAI_API_KEY } : {}),
      ...(env.OPENAI_BASE_URL ? { openaiBaseUrl: env.OPENAI_BASE_URL } : {}),
      openaiModel: env.OPENAI_MODEL,
      clock,
      // The offline model recognises customer and deal names before any tool returned them.
      entities: env.OPENAI_API_KEY ? [] : await loadKnownEntities(ports).catch(() => []),
      examples: examples.current,
    });
    return createAgentAnswerer({
      model: model.model,
      modelLabel: model.label,
      catalog,
      approvals,
      logger,
      clock,
      timezone: org.timezone,
      limits: { maxToolCalls: org.agent.maxToolCalls, maxTurnMs: org.agent.maxTurnMs },
      metrics,
      files: files.shelf,
    });
  });

  const history = new ThreadHistory(store, org.agent.historyTurns * 2);
  const allDemo = Object.values(ports.sources).every((source) => source === "demo");
  // One policy for answers and digests, so both share the member lists it caches.
  const audience = new AudiencePolicy({ channels: org.channels, principals, logger });
  // A person's times: the zone and locale their platform reports, else their configured zone, else the org's.
  const readerFor = (principal: Principal) =>
    readerOf(principal.chatUser, org.users.find((u) => u.id === principal.id)?.timezone, org.timezone);
  const reminders = new Reminders({
    store,
    clock,
    logger,
    timeZoneOf: (principal) => readerFor(principal).timeZone,
  });
  const recentQuestions = new RecentQuestions(store);
  const bot = new Bot({
    recentQuestions,
    reminders,
    audience,
    answerer,
    history,
    principals,
    logger,
    clock,
    approvals,
    textDecisions: (platform) => platform !== "console" || allDemo,
    examples: examples.current,
  });
  const handle = timedTurns(bot.handle, metrics);
  const handlers: Record<string, ButtonHandler> = createDigestButtonHandlers({
    approvals,
    principals,
    ports,
    handle,
    clock,
  });
  const onClick = createClickRouter({ approvals, logger, handlers });
  // The scheduler is made after the adapters; the Home reads its next firings once it exists.
  let nextRun: (name: string) => Date | undefined = () => undefined;
  const appHome = new AppHome({
    pendingFor: (user) => approvals.pendingFor(user),
    recent: recentQuestions,
    digests: () =>
      Object.entries(org.digests)
        .filter(([, digest]) => digest?.enabled)
        .map(([name, digest]) => {
          const next = nextRun(name);
          return { name, channels: digest?.channels ?? [], ...(next ? { next } : {}) };
        }),
    principals,
    readerOf: readerFor,
    clock,
  });
  const onShortcut = createJiraFromMessage({ approvals, principals, adapterFor, logger });
  const routes: HttpRoute[] = [files.route];
  const closers: (() => Promise<void>)[] = [];

  const work = options.role
    ? new Work({ env, role: options.role, store, clock, logger, track: (w) => inFlight.track(w) })
    : undefined;
  if (work) {
    dispatchApproval = work.dispatchApproval;
    const queues = [work.turns, work.actions, work.notices] as const;
    const names = ["turns", "actions", "notices"] as const;
    metrics.observeQueues(() =>
      Promise.all(queues.map(async (q, i) => ({ queue: names[i] ?? "unknown", ...(await q.stats()) }))),
    );
  }
  if (options.platforms) {
    const platforms = await createPlatforms({
      config,
      store,
      logger,
      clock,
      // In the server every platform turn is queued; elsewhere (digest --post) it runs inline.
      handle: work ? work.intake(handle) : handle,
      handOffDeduplicates: work !== undefined,
      onClick,
      home: (user, workspace, notice) => appHome.cardFor(user, workspace, notice),
      onShortcut,
      approvals,
      examples: examples.current,
      listen: Boolean(options.listen),
      files: { shelf: files.shelf, links: files.links },
      ...(options.teamsEndpoints ? { teamsEndpoints: options.teamsEndpoints } : {}),
    });
    Object.assign(adapters, platforms.adapters);
    routes.push(...platforms.routes);
    closers.push(...platforms.closers);
  }

  // Adapters register above, so the scheduler sees every platform that is configured.
  const digests = createDigests({ ports, clock, timeZone: org.timezone, store, logger });
  const scheduler = createScheduler({
    org,
    digests,
    adapters,
    store,
    clock,
    logger,
    audience,
    metrics,
    ...(work ? { dispatch: work.dispatchDigest } : {}),
  });
  nextRun = (name) => scheduler.nextRun(name as Parameters<Scheduler["nextRun"]>[0]);
  work?.start({ adapters, handle, approvals, fireDigest: (name, slot) => scheduler.fire(name, slot) });
  // Due reminders are posted by every process but a web-only one (each one once: reminders.ts),
  // the terminal chat included; the sweep's timer never keeps a process alive.
  const stopReminders = options.role !== "web" ? reminders.start(adapters) : () => {};

  let intakeStopped: Promise<void> | undefined;
  const stopIntake = () => {
    intakeStopped ??= (async () => {
      await scheduler.stop();
      stopReminders();
      for (const close of closers) await close().catch(() => {});
    })();
    return intakeStopped;
  };

  logger.info("daybook composed", {
    org: config.orgSource,
    model: modelLabel,
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
    reminders,
    onClick,
    modelLabel,
    stopIntake,
    work,
    metrics,
    close: async () => {
      await stopIntake();
      await work?.stop(0);
      await store.close();
      await tracing?.flush().catch(() => {});
    },
  };
}

/** Shown for the offline model; chains/agent/offline-model.ts OFFLINE_MODEL_LABEL (test/start-up.test.ts). */
const OFFLINE_MODEL_LABEL = "offline model";

/** Loads the answerer on the first question; a failed load is retried on the next one. */
function lazyAnswerer(load: () => Promise<Answerer>): Answerer {
  let loading: Promise<Answerer> | undefined;
  return {
    answer: async (input) => {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return (await loading).answer(input);
    },
  };
}

/** Counts and times each answered question; the bot replies to its own errors, so a throw is rare. */
function timedTurns(handle: MessageHandler, metrics: Metrics): MessageHandler {
  return async (message, responder) => {
    const platform = message.thread.platform;
    const end = metrics.turnSeconds.startTimer({ platform });
    try {
      await handle(message, responder);
      metrics.turns.inc({ platform, outcome: "ok" });
    } catch (error) {
      metrics.turns.inc({ platform, outcome: "error" });
      throw error;
    } finally {
      end();
    }
  };
}
