/**
 * Start-up and idle memory (issue 15, "fast start"), side by side in one run: each target is
 * spawned as `node <entry>` the way a container runs it, timed from spawn to the first 200 on
 * GET /healthz, then left idle and its resident set read from /proc. Targets:
 *   - Bolt: a bare Bolt app (bench/support/bolt-target.ts), the baseline, with the same cache;
 *   - daybook demo: `npm start`'s command line (package.json; the Dockerfile's CMD is the same)
 *     with no settings at all and, as in the image, a warm NODE_COMPILE_CACHE; and the same as
 *     plain `node src/main.ts` (no V8 flag, no compile cache);
 *   - daybook configured: Slack, Teams, Jira, HubSpot, Xero, OpenAI and Redis all set, every
 *     outside system a local fake (nothing leaves the machine; OpenAI is never called at start).
 * daybook answers /healthz (liveness) while it still composes, so the time to the first 200 on
 * /readyz (composed, store answering) is reported beside it; for Bolt the two are the same.
 * Repetitions are interleaved (Bolt, demo, configured, Bolt, ...) so load on a shared machine
 * spreads over all three alike; medians and ratios to Bolt's median are reported.
 *   BENCH_START_REPS (default 5), BENCH_START_IDLE_MS (default 3000).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "../src/core/clock.ts";
import { HUBSPOT_FAKE_TOKEN } from "../test/support/org-fakes/hubspot.ts";
import { startOrgFakes } from "../test/support/org-fakes/index.ts";
import { FLAGGED_FIELD, JIRA_FAKE_EMAIL, JIRA_FAKE_TOKEN, STORY_POINTS_FIELD } from "../test/support/org-fakes/jira.ts";
import { XERO_FAKE_TENANT, XERO_FAKE_TOKEN } from "../test/support/org-fakes/xero.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { fmt, percentile, table } from "./stats.ts";
import { startFakeSlack } from "./support/fake-slack.ts";
import { benchSigningSecret } from "./support/slack-events.ts";
import { benchRedisUrl, cleanEnv, daybookDir, daybookLabel, flushBenchRedis, freePort } from "./support/targets.ts";

const repo = fileURLToPath(new URL("../", import.meta.url));
const reps = Number(process.env.BENCH_START_REPS ?? 5);
const idleMs = Number(process.env.BENCH_START_IDLE_MS ?? 3_000);

interface Sample {
  startMs: number;
  /** To the first 200 on /readyz (daybook answers /healthz while it composes; Bolt has no /readyz). */
  readyMs: number;
  rssMiB: number;
}

interface Kind {
  name: string;
  /** The path that answers 200 once the target can take traffic. */
  ready: string;
  cwd: string;
  args: string[];
  env: Record<string, string>;
}

function rssMiB(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** One cold start: spawn, poll /healthz every 10 ms until 200, idle, read the resident set. */
async function measure(kind: Kind): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, kind.args, {
    cwd: kind.cwd,
    env: { ...cleanEnv(), LOG_LEVEL: "warn", ...kind.env, PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4096);
  });
  try {
    const deadline = started + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${kind.name} exited while starting: ${stderr}`);
      if (performance.now() > deadline) throw new Error(`${kind.name}: no 200 on /healthz in 60 s: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const startMs = performance.now() - started;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${kind.name} exited while starting: ${stderr}`);
      if (performance.now() > deadline) throw new Error(`${kind.name}: no 200 on ${kind.ready} in 60 s: ${stderr}`);
      const ok = await fetch(`http://127.0.0.1:${port}${kind.ready}`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const readyMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, idleMs));
    return { startMs, readyMs, rssMiB: rssMiB(child.pid) };
  } finally {
    await stop(child);
  }
}

const median = (xs: number[]) => percentile(xs, 50);

async function main(): Promise<void> {
  const slack = await startFakeSlack();
  const org = generateDemoOrg({ now: systemClock.now() });
  const fakes = await startOrgFakes(org, systemClock);
  const redisUrl = benchRedisUrl();
  const redis = await flushBenchRedis(redisUrl);
  // `node --max-semi-space-size=16 src/main.ts` as npm start and the image run it.
  const pkg = JSON.parse(readFileSync(join(daybookDir, "package.json"), "utf8")) as { scripts: { start: string } };
  const daybook = [...pkg.scripts.start.trim().split(/\s+/).slice(1), "start"];
  const plain = daybook.filter((a) => !a.startsWith("--"));
  // As the image sets it (Dockerfile: ENV NODE_COMPILE_CACHE, warmed at build time).
  const compileCache = { NODE_COMPILE_CACHE: mkdtempSync(join(tmpdir(), "daybook-compile-cache-")) };
  const kinds: Kind[] = [
    {
      name: "Bolt (bare app)",
      ready: "/healthz",
      cwd: repo,
      args: [join(repo, "bench", "support", "bolt-target.ts")],
      // The same cache, so the baseline gets every advantage daybook gets.
      env: compileCache,
    },
    { name: "daybook demo", ready: "/readyz", cwd: daybookDir, args: daybook, env: compileCache },
    {
      name: "daybook demo, plain node",
      ready: "/readyz",
      cwd: daybookDir,
      args: plain,
      env: { NODE_DISABLE_COMPILE_CACHE: "1" },
    },
    {
      name: "daybook configured",
      ready: "/readyz",
      cwd: daybookDir,
      args: daybook,
      env: {
        ...compileCache,
        ...(redis ? { REDIS_URL: redisUrl } : {}),
        SLACK_SIGNING_SECRET: benchSigningSecret,
        SLACK_BOT_TOKEN: "xoxb-bench",
        SLACK_API_URL: slack.apiUrl,
        MICROSOFT_APP_ID: "00000000-0000-0000-0000-0000000000b1",
        MICROSOFT_APP_PASSWORD: "bench-password",
        JIRA_BASE_URL: fakes.jira.url,
        JIRA_EMAIL: JIRA_FAKE_EMAIL,
        JIRA_API_TOKEN: JIRA_FAKE_TOKEN,
        JIRA_PROJECT_KEY: org.jira.projectKey,
        JIRA_STORY_POINTS_FIELD: STORY_POINTS_FIELD,
        JIRA_FLAGGED_FIELD: FLAGGED_FIELD,
        HUBSPOT_ACCESS_TOKEN: HUBSPOT_FAKE_TOKEN,
        HUBSPOT_BASE_URL: fakes.hubspot.url,
        HUBSPOT_CURRENCY: org.profile.currency,
        XERO_TENANT_ID: XERO_FAKE_TENANT,
        XERO_BASE_URL: `${fakes.xero.url}/api.xro/2.0`,
        XERO_ACCESS_TOKEN: XERO_FAKE_TOKEN,
        // Never called during start-up; a closed port if anything tried.
        OPENAI_API_KEY: "sk-bench",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      },
    },
  ];
  const samples = new Map<string, Sample[]>(kinds.map((k) => [k.name, []]));
  try {
    // Warms the compile cache as the image build does; not counted.
    for (const kind of kinds) if (kind.env.NODE_COMPILE_CACHE) await measure(kind);
    for (let i = 0; i < reps; i++) {
      for (const kind of kinds) samples.get(kind.name)?.push(await measure(kind));
    }
  } finally {
    await Promise.all([slack.close(), fakes.close()]);
    rmSync(compileCache.NODE_COMPILE_CACHE, { recursive: true, force: true });
  }

  const summary = kinds.map((k) => {
    const s = samples.get(k.name) ?? [];
    return {
      name: k.name,
      start: median(s.map((x) => x.startMs)),
      startMin: Math.min(...s.map((x) => x.startMs)),
      startMax: Math.max(...s.map((x) => x.startMs)),
      ready: median(s.map((x) => x.readyMs)),
      rss: median(s.map((x) => x.rssMiB)),
      rssMin: Math.min(...s.map((x) => x.rssMiB)),
      rssMax: Math.max(...s.map((x) => x.rssMiB)),
    };
  });
  const [bolt, demo, plainDemo, configured] = summary;
  if (!bolt || !demo || !plainDemo || !configured) throw new Error("a target produced no samples");
  const out: string[] = [];
  out.push(
    `daybook: ${daybookLabel()}, run as \`node ${daybook.join(" ")}\`; ${reps} cold starts per target, interleaved; idle ${idleMs} ms before reading RSS; configured run ${redis ? "on Redis" : "without Redis (not reachable)"}.`,
    "",
    table(
      [
        "target",
        "start-up to 200 /healthz, median (min-max)",
        "x Bolt",
        "to 200 /readyz, median",
        "x Bolt",
        "idle RSS MiB, median (min-max)",
        "x Bolt",
      ],
      summary.map((s) => [
        s.name,
        `${fmt(s.start, 0)} ms (${fmt(s.startMin, 0)}-${fmt(s.startMax, 0)})`,
        fmt(s.start / bolt.start, 2),
        `${fmt(s.ready, 0)} ms`,
        fmt(s.ready / bolt.start, 2),
        `${fmt(s.rss, 0)} (${fmt(s.rssMin, 0)}-${fmt(s.rssMax, 0)})`,
        fmt(s.rss / bolt.rss, 2),
      ]),
    ),
    "",
    `HEADLINE: start-up daybook demo ${fmt(demo.start, 0)} ms vs bare Bolt ${fmt(bolt.start, 0)} ms = **${fmt(demo.start / bolt.start, 2)}x** (target <= 2x; ready to serve on /readyz ${fmt(demo.ready, 0)} ms = ${fmt(demo.ready / bolt.start, 2)}x), everything configured ${fmt(configured.start / bolt.start, 2)}x; idle RSS demo ${fmt(demo.rss, 0)} MiB vs Bolt ${fmt(bolt.rss, 0)} MiB = **${fmt(demo.rss / bolt.rss, 2)}x** (target <= 2x), configured ${fmt(configured.rss, 0)} MiB = ${fmt(configured.rss / bolt.rss, 2)}x (plain \`node src/main.ts\`, no V8 flag and no compile cache: start-up ${fmt(plainDemo.start / bolt.start, 2)}x, RSS ${fmt(plainDemo.rss / bolt.rss, 2)}x)`,
  );
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
