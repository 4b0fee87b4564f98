/**
 * Composition root: the only file that wires adapters/, chains/ and tools/ together.
 *   node src/main.ts            start the HTTP server (npm start)
 *   node src/main.ts chat       terminal chat (npm run chat -- --as maria)
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { ConsoleAdapter } from "../adapters/console/console-adapter.ts";
import { runConsoleChat } from "../adapters/console/repl.ts";
import { Bot } from "./bot/bot.ts";
import { HelpAnswerer } from "./bot/help-answerer.ts";
import { createPrincipalResolver } from "./bot/principals.ts";
import { ThreadHistory } from "./bot/thread-history.ts";
import { type Config, loadConfig } from "./config/load.ts";
import type { Clock } from "./core/clock.ts";
import { systemClock } from "./core/clock.ts";
import { isDaybookError } from "./core/errors.ts";
import type { HttpRoute } from "./core/http.ts";
import { createLogger, type Logger } from "./core/logger.ts";
import type { Store } from "./core/store.ts";
import { InFlight } from "./in-flight.ts";
import { createServer } from "./server.ts";
import { createStore } from "./store/create-store.ts";

export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  bot: Bot;
  console: ConsoleAdapter;
  routes: HttpRoute[];
  inFlight: InFlight;
  close(): Promise<void>;
}

export interface ComposeOptions {
  output?: NodeJS.WritableStream & import("node:stream").Writable;
  clock?: Clock;
  logger?: Logger;
}

export async function compose(config: Config, options: ComposeOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.env.LOG_LEVEL });
  const store = await createStore(config.env.REDIS_URL, logger);
  const inFlight = new InFlight();
  const consoleAdapter = new ConsoleAdapter({ output: options.output ?? process.stdout, clock });
  const principals = createPrincipalResolver(config.org);
  const history = new ThreadHistory(store, config.org.agent.historyTurns * 2);
  const bot = new Bot({ answerer: new HelpAnswerer(), history, principals, logger, clock });
  const routes: HttpRoute[] = [];

  return {
    config,
    logger,
    store,
    bot,
    console: consoleAdapter,
    routes,
    inFlight,
    close: async () => {
      await store.close();
    },
  };
}

async function start(config: Config): Promise<void> {
  const app = await compose(config);
  const http = createServer({
    store: app.store,
    logger: app.logger,
    inFlight: app.inFlight,
    routes: app.routes,
    bodyLimitBytes: config.env.BODY_LIMIT_BYTES,
  });
  const server = serve({ fetch: http.fetch, port: config.env.PORT }, (info) => {
    app.logger.info("daybook listening", { port: info.port, org: config.orgSource });
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info("shutting down", { signal, inFlight: app.inFlight.size });
    // Stop accepting first, then let acknowledged work finish, then close the store.
    server.close();
    const drained = await app.inFlight.drain(25_000);
    if (!drained) app.logger.warn("in-flight work did not finish before the shutdown deadline");
    await app.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

async function chat(config: Config, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { as: { type: "string" } }, allowPositionals: false });
  const userId = values.as ?? config.org.consoleUser;
  if (!config.org.users.some((u) => u.id === userId)) {
    const known = config.org.users.map((u) => u.id).join(", ");
    throw new Error(`--as ${userId}: no such user in ${config.orgSource}. Known users: ${known}`);
  }
  // Logs go to stderr; keep them quiet in an interactive chat unless asked for.
  const logger = createLogger({ level: process.env.LOG_LEVEL ? config.env.LOG_LEVEL : "warn" });
  const app = await compose(config, { logger });
  const interactive = Boolean(process.stdin.isTTY);
  await runConsoleChat({
    handle: app.bot.handle,
    adapter: app.console,
    user: { platform: "console", id: userId },
    input: process.stdin,
    output: process.stdout,
    interactive,
    banner: `daybook console (${config.orgSource}) as ${userId}. Type "help", or "exit" to leave.`,
  });
  await app.inFlight.drain(10_000);
  await app.close();
}

async function main(argv: string[]): Promise<void> {
  const [command = "start", ...rest] = argv;
  // A local .env (copied from .env.example) is read when present; real deployments set env vars.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = loadConfig(process.env);
  switch (command) {
    case "start":
      return start(config);
    case "chat":
      return chat(config, rest);
    default:
      throw new Error(`unknown command "${command}". Use: start, chat`);
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    // Config and start-up errors are written for people: print the message, not a stack.
    const message = isDaybookError(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`daybook: ${message}\n`);
    process.exit(isDaybookError(error) && error.code === "config_invalid" ? 2 : 1);
  });
}
