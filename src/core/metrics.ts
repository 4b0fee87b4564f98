/**
 * Prometheus metrics (issue 15, item 2; docs/metrics.md lists each one). One registry per
 * composed app, never prom-client's global default: tests compose several apps in one process,
 * and each must scrape only its own numbers.
 *
 * Labels have bounded cardinality: route patterns (never raw paths), status codes, tool,
 * digest and queue names, outcomes. No user, channel, thread or approval id is ever a label
 * (https://prometheus.io/docs/practices/naming/#labels).
 */
import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from "prom-client";

/** What another thread's registry reports (Registry#getMetricsAsJSON), to add into this one's scrape. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** The exposition format prom-client writes (https://prometheus.io/docs/instrumenting/exposition_formats/). */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Platform acks must land within 3 s (Slack); buckets resolve the range that matters. */
const ackBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5];
/** Redis answers in well under a millisecond on a LAN; the store's deadline is 5 s. */
const redisBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Agent turns run up to org.agent.maxTurnMs (60 s by default). */
const turnBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60];

export interface QueueSample {
  queue: string;
  waiting: number;
  running: number;
  oldestAgeMs: number | undefined;
}

export type ToolOutcome = "ok" | "error";

/** USD per million tokens (src/config/telemetry.ts holds the table and its default). */
export interface ModelPrice {
  input: number;
  output: number;
}

/**
 * What RedisStore reports per command (src/store/redis-store.ts, and the stream queue's own
 * commands through it). `command` is the Redis command name, or `EVAL:<script>` /
 * `EVALSHA:<script>` for daybook's Lua scripts: a fixed set, never a key.
 */
export interface RedisCommandObserver {
  /** The command answered or failed after this long. */
  observe(command: string, seconds: number): void;
  /** The command failed: an error reply, a lost connection, our deadline, or the open circuit. */
  failed(command: string): void;
}

/** What tools/shared/resilience.ts reports per upstream call; `system` is "Jira", "HubSpot", "Xero". */
export interface UpstreamObserver {
  /** One logical call finished (after its retries): ok or error. */
  call(system: string, outcome: "ok" | "error"): void;
  /** One more attempt after a 429, 5xx, timeout or network error. */
  retry(system: string): void;
  /** The system answered HTTP 429. */
  rateLimited(system: string): void;
}

export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: "daybook_http_requests_total",
    help: "HTTP requests answered, by method, matched route pattern and status code.",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });

  readonly ackSeconds = new Histogram({
    name: "daybook_ack_duration_seconds",
    help: "Time from a platform request's arrival to its HTTP answer (the ack), by route.",
    labelNames: ["route", "status"] as const,
    buckets: ackBuckets,
    registers: [this.registry],
  });

  readonly turns = new Counter({
    name: "daybook_agent_turns_total",
    help: "Questions answered by the bot, by platform and outcome (ok, error).",
    labelNames: ["platform", "outcome"] as const,
    registers: [this.registry],
  });

  readonly turnSeconds = new Histogram({
    name: "daybook_agent_turn_duration_seconds",
    help: "Time the bot took to answer one question, reply included.",
    labelNames: ["platform"] as const,
    buckets: turnBuckets,
    registers: [this.registry],
  });

  readonly toolCalls = new Counter({
    name: "daybook_tool_calls_total",
    help: "Tool calls the agent made, by tool name and outcome (ok, error).",
    labelNames: ["tool", "outcome"] as const,
    registers: [this.registry],
  });

  readonly modelTokens = new Counter({
    name: "daybook_model_tokens_total",
    help: "Model tokens reported by the model, by model label and kind (input, output).",
    labelNames: ["model", "kind"] as const,
    registers: [this.registry],
  });

  readonly modelCost = new Counter({
    name: "daybook_model_cost_usd_total",
    help: "Estimated model spend in US dollars: reported tokens times the price table (MODEL_PRICES), by model label.",
    labelNames: ["model"] as const,
    registers: [this.registry],
  });

  readonly redisCommandSeconds = new Histogram({
    name: "daybook_redis_command_duration_seconds",
    help: "Time a Redis command took to answer or fail (not those refused by the open circuit), by command.",
    labelNames: ["command"] as const,
    buckets: redisBuckets,
    registers: [this.registry],
  });

  readonly redisCommandErrors = new Counter({
    name: "daybook_redis_command_errors_total",
    help: "Redis commands that failed, timed out or were refused by the open circuit, by command.",
    labelNames: ["command"] as const,
    registers: [this.registry],
  });

  readonly redisCommands: RedisCommandObserver = {
    observe: (command, seconds) => this.redisCommandSeconds.observe({ command }, seconds),
    failed: (command) => this.redisCommandErrors.inc({ command }),
  };

  #prices: Readonly<Record<string, ModelPrice>> = {};

  readonly approvals = new Counter({
    name: "daybook_approvals_total",
    help: "Approval state changes as written to the audit log, by event (requested, approved, rejected, expired, executed, failed, refused).",
    labelNames: ["event"] as const,
    registers: [this.registry],
  });

  readonly digestRuns = new Counter({
    name: "daybook_digest_runs_total",
    help: "Digest runs, by digest name and status (delivered, partial, failed, skipped, printed).",
    labelNames: ["digest", "status"] as const,
    registers: [this.registry],
  });

  readonly upstreamCalls = new Counter({
    name: "daybook_upstream_calls_total",
    help: "Calls to Jira, HubSpot and Xero after retries, by system and outcome (ok, error).",
    labelNames: ["system", "outcome"] as const,
    registers: [this.registry],
  });

  readonly upstreamRetries = new Counter({
    name: "daybook_upstream_retries_total",
    help: "Retried upstream attempts (429, 5xx, timeout, network), by system.",
    labelNames: ["system"] as const,
    registers: [this.registry],
  });

  readonly upstreamRateLimited = new Counter({
    name: "daybook_upstream_rate_limited_total",
    help: "HTTP 429 answers from an upstream system, by system.",
    labelNames: ["system"] as const,
    registers: [this.registry],
  });

  readonly upstream: UpstreamObserver = {
    call: (system, outcome) => this.upstreamCalls.inc({ system, outcome }),
    retry: (system) => this.upstreamRetries.inc({ system }),
    rateLimited: (system) => this.upstreamRateLimited.inc({ system }),
  };

  readonly queueWaiting: Gauge<"queue">;
  readonly queueRunning: Gauge<"queue">;
  readonly queueOldestAge: Gauge<"queue">;
  #queues: (() => Promise<QueueSample[]>) | undefined;
  #sample: Promise<QueueSample[]> | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // The three queue gauges share one stats() read per scrape.
    const sampled = async (read: (s: QueueSample) => number | undefined, gauge: Gauge<"queue">) => {
      gauge.reset();
      this.#sample ??= (this.#queues?.() ?? Promise.resolve([])).finally(() => {
        queueMicrotask(() => {
          this.#sample = undefined;
        });
      });
      const samples = await this.#sample.catch(() => []);
      for (const s of samples) {
        const value = read(s);
        if (value !== undefined) gauge.set({ queue: s.queue }, value);
      }
    };
    this.queueWaiting = new Gauge({
      name: "daybook_queue_waiting",
      help: "Jobs waiting in a work queue (not yet taken by a worker).",
      labelNames: ["queue"] as const,
      registers: [this.registry],
      collect: () => sampled((s) => s.waiting, this.queueWaiting),
    });
    this.queueRunning = new Gauge({
      name: "daybook_queue_running",
      help: "Jobs taken by a worker and not yet acknowledged (running, retrying, or held by a dead worker).",
      labelNames: ["queue"] as const,
      registers: [this.registry],
      collect: () => sampled((s) => s.running, this.queueRunning),
    });
    this.queueOldestAge = new Gauge({
      name: "daybook_queue_oldest_age_seconds",
      help: "Age of the oldest unacknowledged job in a queue; 0 when the queue is empty.",
      labelNames: ["queue"] as const,
      registers: [this.registry],
      collect: () => sampled((s) => (s.oldestAgeMs ?? 0) / 1000, this.queueOldestAge),
    });
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "daybook_" });
  }

  /** Where the queue gauges read from at each scrape (the composed Work's queues). */
  observeQueues(read: () => Promise<QueueSample[]>): void {
    this.#queues = read;
  }

  /** Prices for `daybook_model_cost_usd_total` (USD per million tokens, by model label). */
  priceModels(prices: Readonly<Record<string, ModelPrice>>): void {
    this.#prices = prices;
  }

  /** Tokens one model call reported, and what they cost when the model has a price. */
  countModelTokens(model: string, kind: "input" | "output", tokens: number): void {
    if (!(tokens > 0)) return;
    this.modelTokens.inc({ model, kind }, tokens);
    const price = this.#prices[model];
    if (price) this.modelCost.inc({ model }, (tokens * price[kind]) / 1_000_000);
  }

  /** Counts the tool results of one agent turn. */
  countToolCall(tool: string, outcome: ToolOutcome): void {
    this.toolCalls.inc({ tool, outcome });
  }

  readonly #sources: (() => Promise<MetricsSnapshot>)[] = [];

  /**
   * Adds another registry's numbers to every scrape (the worker thread of `DAYBOOK_ROLE=all`):
   * one scrape shows the whole process. Counters and histograms of the same name and labels
   * are summed (prom-client's AggregatorRegistry.aggregate).
   */
  addSource(read: () => Promise<MetricsSnapshot>): void {
    this.#sources.push(read);
  }

  async scrape(): Promise<string> {
    if (this.#sources.length === 0) return this.registry.metrics();
    const own = await this.registry.getMetricsAsJSON();
    const others = await Promise.all(this.#sources.map((read) => read().catch((): MetricsSnapshot => [])));
    return AggregatorRegistry.aggregate([own, ...others]).metrics();
  }
}
