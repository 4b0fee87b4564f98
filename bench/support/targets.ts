/**
 * The processes the burst benches drive: daybook itself (`node src/main.ts start`, optionally
 * one role), Bolt's stock HTTPReceiver as the baseline, and the Redis database they share.
 * Each target is its own process, like the driver, so no two of them share an event loop.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "redis";
import { benchSigningSecret } from "./slack-events.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
/**
 * Where `src/main.ts` is run from: this checkout by default, or BENCH_DAYBOOK_DIR (a snapshot,
 * e.g. `git archive <commit>` with node_modules linked) to measure a commit while the working
 * tree changes under it.
 */
export const daybookDir = process.env.BENCH_DAYBOOK_DIR ?? repo;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Target {
  name: string;
  child: ChildProcess;
  /** POST /slack/events on this target (undefined for a worker-only process). */
  url: string | undefined;
  /** Peak resident set (VmHWM) so far, in MiB; NaN once the process is gone or off Linux. */
  peakRssMiB(): number;
  /** The last few KB of the process's output, for error messages. */
  output(): string;
  exited(): boolean;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

function peakRss(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** The bench's own env minus daybook's variables, so a developer's settings do not leak in. */
export function cleanEnv(): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (
      /^(SLACK_|MICROSOFT_|TEAMS_|OPENAI_|JIRA_|HUBSPOT_|XERO_|DAYBOOK_|REDIS_URL|PORT$|LOG_LEVEL|NODE_ENV|TURN_|QUEUE_|USER_TURNS|CHANNEL_TURNS)/.test(
        k,
      )
    )
      continue;
    keep[k] = v;
  }
  return keep;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  target: Target,
  ms = 60_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (target.exited()) throw new Error(`${target.name} exited while starting: ${target.output().slice(-1500)}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${target.name}: ${what} not seen within ${ms} ms: ${target.output().slice(-1500)}`);
}

function wrap(name: string, child: ChildProcess, url: string | undefined): Target & { seen: () => string } {
  let tail = "";
  let all = "";
  const onData = (d: Buffer) => {
    const s = d.toString();
    tail = (tail + s).slice(-8192);
    // Start-up lines only; the full log of a burst is not kept.
    if (all.length < 65_536) all += s;
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  let gone = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      gone = true;
      resolve();
    }),
  );
  return {
    name,
    child,
    url,
    seen: () => all,
    peakRssMiB: () => peakRss(child.pid),
    output: () => tail,
    exited: () => gone,
    kill9: async () => {
      if (!gone) child.kill("SIGKILL");
      await exit;
    },
    stop: async () => {
      if (gone) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

export type Role = "all" | "web" | "worker";

export interface DaybookOptions {
  role?: Role;
  redisUrl: string;
  slackApiUrl: string;
  /** Extra env (limits, concurrency). */
  env?: Record<string, string>;
  /** Listen here (a restart on the port the driver is sending to); default a free port. */
  port?: number;
}

/** Whether `start --role web|worker` exists yet: main.ts ignores arguments it does not know. */
export function daybookHasRoles(): boolean {
  try {
    const main = readFileSync(join(daybookDir, "src", "main.ts"), "utf8");
    return /--role|DAYBOOK_ROLE|["']worker["']/.test(main);
  } catch {
    return false;
  }
}

/**
 * Node's flags for daybook: those of `npm start` and the image (package.json, Dockerfile), so
 * the bench measures the process a user runs; BENCH_NODE_ARGS replaces them (e.g. add
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the web thread spends a burst).
 */
export function daybookNodeArgs(): string[] {
  const custom = process.env.BENCH_NODE_ARGS;
  if (custom !== undefined) return custom.split(/\s+/).filter(Boolean);
  try {
    const pkg = JSON.parse(readFileSync(join(daybookDir, "package.json"), "utf8")) as { scripts?: { start?: string } };
    const start = pkg.scripts?.start ?? "";
    return (/^node\s+(.*?)\s*src\/main\.ts/.exec(start)?.[1] ?? "").split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** `node src/main.ts start [--role r]` as a user would run it, with Slack configured. */
export async function startDaybook(options: DaybookOptions): Promise<Target> {
  const port = options.port ?? (await freePort());
  const args = [...daybookNodeArgs(), "src/main.ts", "start", ...(options.role ? ["--role", options.role] : [])];
  const child = spawn(process.execPath, args, {
    cwd: daybookDir,
    env: {
      ...cleanEnv(),
      NODE_ENV: "production",
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
      PORT: String(port),
      REDIS_URL: options.redisUrl,
      SLACK_SIGNING_SECRET: benchSigningSecret,
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_API_URL: options.slackApiUrl,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const role = options.role ?? "all";
  const serves = role !== "worker";
  const target = wrap(`daybook (${role})`, child, serves ? `http://127.0.0.1:${port}/slack/events` : undefined);
  // Every role composes the app first; a worker-only process may have no HTTP server to poll.
  await waitFor('"daybook composed"', () => /daybook composed|worker (started|ready)/.test(target.seen()), target);
  if (serves) {
    // /readyz, not /healthz: the server answers health probes while it is still composing.
    await waitFor(
      "GET /readyz",
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/readyz`)).ok;
        } catch {
          return false;
        }
      },
      target,
    );
  }
  return target;
}

/** Bolt's stock HTTPReceiver with an app_mention listener (bench/support/bolt-target.ts). */
export async function startBolt(slackApiUrl: string): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repo, "bench", "support", "bolt-target.ts")], {
    cwd: repo,
    env: { ...cleanEnv(), PORT: String(port), SLACK_API_URL: slackApiUrl },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const target = wrap("Bolt HTTPReceiver", child, `http://127.0.0.1:${port}/slack/events`);
  await waitFor("listening", () => target.seen().includes("bolt-target listening"), target);
  return target;
}

/**
 * A Redis database of its own for each burst: daybook has no key-prefix setting, so the bench
 * uses a numbered database (BENCH_REDIS_DB, default 11) and empties it before every target.
 */
export function benchRedisUrl(): string {
  const base = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  base.pathname = `/${process.env.BENCH_REDIS_DB ?? "11"}`;
  return base.toString();
}

/** Empties the bench database; false when Redis is not reachable (the bench then skips). */
export async function flushBenchRedis(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.flushDb();
    await client.quit();
    return true;
  } catch {
    await client.disconnect().catch(() => {});
    return false;
  }
}

/** Limits high enough never to bite here: this bench measures intake, not the limiter. */
export const benchLimits: Record<string, string> = {
  USER_TURNS_PER_MINUTE: "1000000",
  CHANNEL_TURNS_PER_MINUTE: "1000000",
  ...(process.env.TURN_CONCURRENCY ? { TURN_CONCURRENCY: process.env.TURN_CONCURRENCY } : {}),
  ...(process.env.QUEUE_MAX_DEPTH ? { QUEUE_MAX_DEPTH: process.env.QUEUE_MAX_DEPTH } : {}),
};

/** Which daybook was measured: the snapshot's commit, or this checkout's HEAD and working tree. */
export function daybookLabel(): string {
  if (daybookDir !== repo) {
    let commit = "";
    try {
      commit = readFileSync(join(daybookDir, ".commit"), "utf8").trim();
    } catch {
      // A snapshot without a .commit file is named by its directory alone.
    }
    return `snapshot ${daybookDir}${commit ? ` (commit ${commit})` : ""}`;
  }
  const head = spawnSync("git", ["-C", repo, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
  return `this checkout (HEAD ${head || "unknown"} plus any uncommitted changes)`;
}
