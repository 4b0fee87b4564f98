/**
 * Composition root: the only file that wires adapters/, chains/ and tools/ together.
 *   node src/main.ts                 start the HTTP server (npm start)
 *   node src/main.ts chat [--as id]  terminal chat (npm run chat)
 *   node src/main.ts digest <name> [--post]   run one digest now (npm run digest)
 *   node src/main.ts audit [--limit n]        approval audit log (npm run audit)
 */
import { once } from "node:events";
import { existsSync } from "node:fs";
import { enableCompileCache } from "node:module";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import type { App } from "./compose/app.ts";
import { type Fetch, nextTurn, whileComposing } from "./compose/starting.ts";
import type { Role } from "./compose/work.ts";
import type { WorkerThread } from "./compose/worker-thread.ts";
import { type Config, loadConfig } from "./config/load.ts";
import { DaybookError, isDaybookError } from "./core/errors.ts";
import type { Logger } from "./core/logger.ts";

// Only what every command needs is imported above; the app (agent, tools, adapters, SDKs),
// the HTTP routes and each command's own modules are imported when that command runs, so the
// server listens for health probes before the rest has even loaded (issue 15, fast start).
export type { App, ComposeOptions } from "./compose/app.ts";

/** compose() of src/compose/app.ts, loaded on the first call (a re-export would load it with this file). */
export async function compose(...args: Parameters<typeof import("./compose/app.ts").compose>): Promise<App> {
  return (await import("./compose/app.ts")).compose(...args);
}

/** createPorts() of src/compose/ports.ts, loaded on the first call. */
export async function createPorts(
  ...args: Parameters<typeof import("./compose/ports.ts").createPorts>
): Promise<Awaited<ReturnType<typeof import("./compose/ports.ts").createPorts>>> {
  return (await import("./compose/ports.ts")).createPorts(...args);
}

/** `start --role web|worker|all` (or DAYBOOK_ROLE): the flag wins over the variable. */
function roleOf(config: Config, args: string[]): Role {
  const { values } = parseArgs({ args, options: { role: { type: "string" } }, allowPositionals: false });
  const role = values.role ?? config.env.DAYBOOK_ROLE;
  if (role !== "all" && role !== "web" && role !== "worker") {
    throw new DaybookError("config_invalid", `--role ${role}: use all (default), web or worker.`);
  }
  return role;
}

/** Parts of the app's module graph, in the order start() loads them (see there). */
const appImportSteps: (() => Promise<unknown>)[] = [
  // LangChain's core in three parts (its JSON-schema helpers, its tracing singletons, the rest).
  () => import("@langchain/core/utils/json_schema"),
  () => import("@langchain/core/singletons"),
  () => import("@langchain/core/tools"),
  () => import("../tools/jira/tools.ts"),
  () => import("../tools/accounting/tools.ts"),
  () => import("../tools/catalog.ts"),
  () => import("../chains/digests/registry.ts"),
  () => import("./compose/platforms.ts"),
  () => import("./compose/work.ts"),
];

async function start(config: Config, args: string[]): Promise<void> {
  const role = roleOf(config, args);
  // `all` with Redis: this thread is the web role and a worker thread the worker role
  // (compose/worker-thread.ts), so turns never hold up an ack. Without Redis, one thread.
  const threaded = role === "all" && config.env.REDIS_URL !== undefined;
  const local: Role = threaded ? "web" : role;

  let setComposed: (fetch: Fetch) => void = () => {};
  let failComposed: (error: unknown) => void = () => {};
  const composed = new Promise<Fetch>((resolve, reject) => {
    setComposed = resolve;
    failComposed = reject;
  });
  composed.catch(() => {}); // a failed start-up is reported by start()'s caller
  let fetch: Fetch = whileComposing(composed);
  const server = serve({ fetch: (request) => fetch(request), port: config.env.PORT });
  try {
    // Rejects with the server's "error" event: a busy port must not leave a half-started process.
    await once(server, "listening");
  } catch (error) {
    throw listenError(error, config.env.PORT);
  }

  let logger: Logger | undefined;
  let app: App;
  let worker: WorkerThread | undefined;
  try {
    // Node loads an imported module graph synchronously, so a health probe that arrives while
    // one loads waits for it: the graph is loaded in steps of a few hundred ms at most, with a
    // turn of the event loop in between (the HTTP routes; LangChain's core, the largest
    // package; the tools; the digests; the platforms and queues; the rest of the app).
    const [{ startWorkerThread }, { createLogger }, { createServer }] = await Promise.all([
      import("./compose/worker-thread.ts"),
      import("./core/logger.ts"),
      import("./server.ts"),
    ]);
    for (const step of appImportSteps) {
      await nextTurn();
      await step();
    }
    await nextTurn();
    const { compose } = await import("./compose/app.ts");
    // The worker thread composes while this thread does (two threads, two CPUs' worth of start-up).
    const starting = threaded
      ? startWorkerThread(() => logger ?? createLogger({ level: config.env.LOG_LEVEL }))
      : undefined;
    starting?.catch(() => {}); // awaited below; a failure is reported there
    try {
      // A worker takes no platform traffic (Socket Mode included): it only needs the adapters to answer.
      app = await compose(config, { platforms: true, listen: local !== "worker", role: local });
    } catch (error) {
      await (await starting?.catch(() => undefined))?.stop(0);
      throw error;
    }
    logger = app.logger;
    try {
      worker = await starting;
    } catch (error) {
      await app.close();
      throw error;
    }
    if (worker) {
      const thread = worker;
      app.metrics.addSource(() => thread.metrics());
      // A process whose worker died would ack and never answer: exit, and let the supervisor
      // (systemd, Docker, Kubernetes) start a whole one. Unanswered entries stay in the stream.
      thread.onCrash(() => process.exit(1));
    }
    const http = createServer({
      store: app.store,
      logger: app.logger,
      inFlight: app.inFlight,
      // A worker serves only the health routes, so an orchestrator can still probe it.
      routes: local === "worker" ? [] : app.routes,
      bodyLimitBytes: config.env.BODY_LIMIT_BYTES,
      // Every role, the worker's health-only server included, is scraped for its own numbers.
      metrics: app.metrics,
    });
    fetch = (request) => http.fetch(request);
    setComposed(fetch);
  } catch (error) {
    failComposed(error);
    server.close();
    throw error;
  }
  // Digest firings are queued by whichever replica's cron fires first (one per slot); web
  // replicas take no cron so a web-only scale-out adds no scheduler load.
  if (local !== "web") app.scheduler.start();
  const address = server.address();
  app.logger.info("daybook listening", {
    port: typeof address === "object" && address ? address.port : config.env.PORT,
    org: config.orgSource,
    role: threaded ? "all (web, and worker in a worker thread)" : role,
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info("shutting down", { signal, inFlight: app.inFlight.size });
    // Stop taking work first (HTTP, cron, Socket Mode), then let running jobs finish; what is
    // still running at the deadline stays unacknowledged in the stream and another worker
    // (or this one after a restart) takes it over. Then close the store under nobody.
    server.close();
    await app.stopIntake();
    const stopped = worker ? await worker.stop(20_000) : await app.work?.stop(20_000);
    if (stopped && stopped.handedBack > 0) {
      app.logger.warn("jobs still running at shutdown were handed back to the queue", { ...stopped });
    }
    const drained = await app.inFlight.drain(5_000);
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
async function cliLogger(config: Config): Promise<Logger> {
  const { createLogger } = await import("./core/logger.ts");
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
  const [{ compose }, { runConsoleChat }] = await Promise.all([
    import("./compose/app.ts"),
    import("../adapters/console/repl.ts"),
  ]);
  const app = await compose(config, { logger: await cliLogger(config) });
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
  const [{ compose }, { runDigestCommand }] = await Promise.all([
    import("./compose/app.ts"),
    import("./scheduler/digest-command.ts"),
  ]);
  // Posting (--post) goes through the console adapter and any platform configured by env.
  const app = await compose(config, { logger: await cliLogger(config), platforms: args.includes("--post") });
  try {
    return await runDigestCommand({ argv: args, scheduler: app.scheduler, output: process.stdout });
  } finally {
    await app.close();
  }
}

async function audit(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { limit: { type: "string" } }, allowPositionals: false });
  const limit = parseLimit(values.limit);
  const [{ runAuditCommand }, { createStore }] = await Promise.all([
    import("./approvals/audit-command.ts"),
    import("./store/create-store.ts"),
  ]);
  const logger = await cliLogger(config);
  const store = await createStore(config.env.REDIS_URL, logger);
  if (!config.env.REDIS_URL) {
    process.stderr.write("daybook: REDIS_URL is not set, so other processes' approvals are not visible here.\n");
  }
  try {
    await runAuditCommand({ store, output: process.stdout, limit });
    // runAuditCommand answers how many entries it printed; that is not an exit status.
    return 0;
  } finally {
    await store.close();
  }
}

/** `--limit` as a whole number of entries; anything else is a usage error, not a NaN passed on. */
function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return 50;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || limit < 1 || limit > 10_000) {
    throw new DaybookError("config_invalid", `--limit ${raw}: give a whole number of entries from 1 to 10000.`);
  }
  return limit;
}

async function main(argv: string[]): Promise<number | undefined> {
  const [command = "start", ...rest] = argv;
  // A local .env (copied from .env.example) is read when present; real deployments set env vars.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  switch (command) {
    case "start":
      await start(config, rest);
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
  // Caches compiled code on disk (https://nodejs.org/api/module.html#module-compile-cache) for
  // what loads from here on: the SDKs of configured integrations, imported at composition.
  // The modules imported above are covered when NODE_COMPILE_CACHE is set before start, as
  // the Dockerfile does (issue 15, bench/start-up.bench.ts). NODE_DISABLE_COMPILE_CACHE=1 opts out.
  enableCompileCache();
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
