import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

export interface StartPrismOptions {
  /** Path to an OpenAPI document (JSON or YAML), e.g. `specPath("jira/software.v3.json")`. */
  spec: string;
  /** Mutates a parsed copy of the spec before it is served; the original file is never touched. */
  // biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents are arbitrary JSON; patches poke at them freely.
  patch?: (doc: any) => void;
  /** How long to wait for "Prism is listening" (the Jira platform spec is 2.4 MB). Default 120 s. */
  readyTimeoutMs?: number;
  /** Extra CLI flags; `--errors` is always passed so spec violations become 4xx/422 responses. */
  args?: string[];
}

export interface PrismServer {
  url: string;
  close(): Promise<void>;
  /** Everything Prism printed so far (request validation messages help when a test fails). */
  output(): string;
  /** Milliseconds from spawn to "listening". */
  startupMs: number;
}

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** A vendored spec under test/specs (see its README), resolved from this file so any cwd works. */
export function specPath(relative: string): string {
  return fileURLToPath(new URL(`../specs/${relative}`, import.meta.url));
}
const prismCli = join(root, "node_modules/@stoplight/prism-cli/dist/index.js");

async function freePort(): Promise<number> {
  // Prism has no "port 0", so reserve an ephemeral port, release it and hand it over; the
  // tiny race with another process is covered by one retry in startPrism.
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

// biome-ignore lint/suspicious/noExplicitAny: see StartPrismOptions.patch.
async function loadSpec(path: string): Promise<any> {
  const text = await readFile(path, "utf8");
  return /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
}

function waitForListening(
  child: ChildProcess,
  log: { text: string },
  timeoutMs: number,
): Promise<"ok" | "port_in_use"> {
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`prism did not start within ${timeoutMs} ms:\n${log.text.slice(-2000)}`));
    }, timeoutMs);
    const onData = () => {
      if (log.text.includes("Prism is listening")) {
        cleanup();
        resolveReady("ok");
      } else if (log.text.includes("EADDRINUSE")) {
        cleanup();
        resolveReady("port_in_use");
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      if (log.text.includes("EADDRINUSE")) resolveReady("port_in_use");
      else reject(new Error(`prism exited with code ${code}:\n${log.text.slice(-2000)}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolveStop();
    });
    child.kill("SIGTERM");
  });
}

/**
 * Starts `prism mock --errors` on a patched copy of a vendor spec, so the real client
 * libraries can be run against a server that rejects any request the spec does not allow.
 * Start it once per test file (beforeAll) and close it in afterAll.
 */
export async function startPrism(options: StartPrismOptions): Promise<PrismServer> {
  const doc = await loadSpec(options.spec);
  options.patch?.(doc);
  const dir = await mkdtemp(join(tmpdir(), "daybook-prism-"));
  const specCopy = join(dir, `${basename(options.spec).replace(/\.(ya?ml|json)$/i, "")}.json`);
  await writeFile(specCopy, JSON.stringify(doc));

  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const log = { text: "" };
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [prismCli, "mock", specCopy, "-p", String(port), "-h", "127.0.0.1", "--errors", ...(options.args ?? [])],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } },
    );
    // A test worker that dies without afterAll must not leave an orphaned Prism behind.
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    child.once("exit", () => process.off("exit", killOnExit));
    const append = (chunk: Buffer) => {
      log.text += chunk.toString("utf8");
      // Prism logs every route at startup and every request; keep memory bounded.
      if (log.text.length > 200_000) log.text = log.text.slice(-100_000);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    let state: "ok" | "port_in_use";
    try {
      state = await waitForListening(child, log, options.readyTimeoutMs ?? 120_000);
    } catch (error) {
      await stop(child);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    if (state === "port_in_use" && attempt < 3) {
      await stop(child);
      continue;
    }
    if (state === "port_in_use") {
      await stop(child);
      await rm(dir, { recursive: true, force: true });
      throw new Error("prism could not find a free port");
    }
    const startupMs = Math.round(performance.now() - started);
    return {
      url: `http://127.0.0.1:${port}`,
      startupMs,
      output: () => log.text,
      close: async () => {
        await stop(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}

/**
 * Many vendor specs (Jira's in particular) carry `example` values as JSON encoded in a string;
 * Prism would serve them as a quoted string. Parses every such example in place.
 */
// biome-ignore lint/suspicious/noExplicitAny: walks arbitrary JSON.
export function parseStringExamples(node: any): void {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node) parseStringExamples(item);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "example" && typeof value === "string" && /^\s*[[{]/.test(value)) {
      try {
        node[key] = JSON.parse(value);
      } catch {
        // Not JSON after all (free text starting with a bracket): leave it as the vendor wrote it.
      }
    } else {
      parseStringExamples(value);
    }
  }
}
