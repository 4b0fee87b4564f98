import { type ChildProcess, spawn } from "node:child_process";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node src/main.ts ...` as a user would, with the project's Node. */
export function runMain(
  args: string[],
  options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/main.ts", ...args], {
      env: { ...cleanEnv(), ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out; stdout=${stdout.slice(-500)} stderr=${stderr.slice(-500)}`));
    }, options.timeoutMs ?? 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Starts a long-running `node src/main.ts` and resolves once a stderr line matches. */
export function startMain(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/main.ts", ...args], {
      env: { ...cleanEnv(), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let all = "";
    const onData = (d: Buffer) => {
      all += d.toString();
      const match = all.match(ready);
      if (match) resolve({ child, match, output: () => all });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited early (${code}): ${all.slice(-800)}`)));
  });
}

/** The test's own env minus daybook variables, so a developer's .env does not leak in. */
function cleanEnv(): Record<string, string> {
  const keep: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(SLACK_|MICROSOFT_|OPENAI_|JIRA_|HUBSPOT_|XERO_|DAYBOOK_|REDIS_URL|PORT$)/.test(k)) continue;
    keep[k] = v;
  }
  return keep;
}
