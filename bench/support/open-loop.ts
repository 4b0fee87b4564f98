/**
 * Open-loop Slack event driver, run as its own process (`fork`) so the load generator never
 * shares an event loop with what it measures. Every delivery is signed before the clock
 * starts; delivery i is sent at start + i/rate whether or not earlier ones were answered, and
 * its latency counts from that due time, so a stalled server is charged for every request it
 * delayed (no coordinated omission). Slack itself opens as many connections as it needs, so
 * the pool allows many sockets rather than queueing behind a few.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Pool } from "undici";
import { benchEvents, signDelivery } from "./slack-events.ts";

export interface DriverConfig {
  url: string;
  run: string;
  tsBase: number;
  rate: number;
  seconds: number;
  connections?: number;
  /** Send only these deliveries of the run (in this order, still at `rate`), e.g. Slack's retries. */
  indices?: number[];
  /** Mark the deliveries as Slack's n-th retry (X-Slack-Retry-Num, reason http_error). */
  retryNum?: number;
}

export type Outcome = "ok" | "non2xx" | "error";

export interface DriverResult {
  sent: number;
  /** Epoch ms when delivery 0 was due. */
  startEpoch: number;
  /** Epoch ms when the last delivery was due. */
  lastDueEpoch: number;
  /** Per delivery, in order: latency from its due time in ms (to the response or the error). */
  latencyMs: number[];
  outcome: Outcome[];
  status: number[];
  /** Failed deliveries by error code (ECONNREFUSED, UND_ERR_SOCKET, ...). */
  errors: Record<string, number>;
}

async function drive(config: DriverConfig): Promise<DriverResult> {
  const all = Math.round(config.rate * config.seconds);
  const ts = Math.floor(Date.now() / 1000);
  const events = benchEvents(config.run, all, config.tsBase);
  const chosen = config.indices ? config.indices.map((i) => events[i] as (typeof events)[number]) : events;
  const retry = config.retryNum
    ? { "x-slack-retry-num": String(config.retryNum), "x-slack-retry-reason": "http_error" }
    : {};
  const deliveries = chosen.map((e) => {
    const d = signDelivery(e, ts);
    return { body: d.body, headers: { ...d.headers, ...retry } };
  });
  const count = deliveries.length;
  const target = new URL(config.url);
  const pool = new Pool(target.origin, {
    connections: config.connections ?? 1024,
    pipelining: 1,
    // Long enough to see how late a stalled ack really is; Slack gives up at 3 s.
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const latencyMs = new Array<number>(count).fill(Number.NaN);
  const outcome = new Array<Outcome>(count).fill("error");
  const status = new Array<number>(count).fill(0);
  const errors: Record<string, number> = {};
  const start = performance.now() + 50;
  const startEpoch = performance.timeOrigin + start;
  process.send?.({ kind: "started", startEpoch });
  const one = async (i: number): Promise<void> => {
    const due = start + (i * 1000) / config.rate;
    const d = deliveries[i] as (typeof deliveries)[number];
    try {
      const res = await pool.request({ path: target.pathname, method: "POST", headers: d.headers, body: d.body });
      await res.body.dump();
      status[i] = res.statusCode;
      outcome[i] = res.statusCode < 300 ? "ok" : "non2xx";
    } catch (error) {
      outcome[i] = "error";
      const code = (error as { code?: string }).code ?? (error instanceof Error ? error.name : "unknown");
      errors[code] = (errors[code] ?? 0) + 1;
    }
    latencyMs[i] = performance.now() - due;
  };
  const pending: Promise<void>[] = [];
  let sent = 0;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      if (now >= start) {
        const due = Math.min(count, Math.floor(((now - start) * config.rate) / 1000) + 1);
        while (sent < due) pending.push(one(sent++));
      }
      if (sent >= count) done();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  await pool.close().catch(() => {});
  return {
    sent,
    startEpoch,
    lastDueEpoch: startEpoch + ((count - 1) * 1000) / config.rate,
    latencyMs,
    outcome,
    status,
    errors,
  };
}

/** Runs one burst in a child process; `onStart` gets the epoch ms at which delivery 0 is due. */
export function runDriver(config: DriverConfig, onStart?: (startEpoch: number) => void): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ["--driver", JSON.stringify(config)], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    child.on("message", (m: { kind: string; startEpoch?: number; result?: DriverResult }) => {
      if (m.kind === "started" && m.startEpoch !== undefined) onStart?.(m.startEpoch);
      if (m.kind === "done" && m.result) resolve(m.result);
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`driver exited with ${code}`));
    });
  });
}

const driverIndex = process.argv.indexOf("--driver");
if (driverIndex !== -1) {
  drive(JSON.parse(process.argv[driverIndex + 1] ?? "{}") as DriverConfig).then(
    (result) => process.send?.({ kind: "done", result }, () => process.exit(0)),
    (error: unknown) => {
      process.stderr.write(`open-loop driver failed: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
