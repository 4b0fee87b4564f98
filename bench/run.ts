/**
 * npm run bench [-- <name-filter>...]
 * Runs every bench/*.bench.ts in its own Node process (so memory and JIT state do not leak
 * between benchmarks), prints each report and writes them all to bench/results/latest.md.
 * Benchmarks report ratios against a baseline measured in the same run, never pass/fail on
 * absolute times. A report line starting with "HEADLINE: " is also collected into the
 * headline section at the top of the file, next to the machine's cores and load.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
// npm run bench -- burst kill-worker: the benchmarks whose file names contain any of the words.
const filters = process.argv.slice(2);
// Runs that live elsewhere but report like a benchmark: the conversation eval (npm run eval).
const registered: Record<string, string> = {
  "eval.bench.ts": fileURLToPath(new URL("../test/eval/run.ts", import.meta.url)),
};
const files = [...readdirSync(here).filter((f) => f.endsWith(".bench.ts")), ...Object.keys(registered)]
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
const loadAtStart = load();
const headlines: string[] = [];
const sections: string[] = [];
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(process.execPath, ["--expose-gc", registered[file] ?? join(here, file)], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "silent" },
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(result.stdout);
  if (result.status !== 0) {
    failed++;
    sections.push(`## ${file}\n\nFAILED (exit ${result.status})`);
  } else {
    const body = result.stdout.trim().replace(/^HEADLINE: (.*)$/gm, (_, line: string) => {
      headlines.push(`- ${file}: ${line}`);
      return `- ${line}`;
    });
    sections.push(`## ${file}\n\n${body}`);
  }
}
const head = [
  `# daybook benchmarks (${new Date().toISOString()}, node ${process.version})`,
  `## Headline\n\n${availableParallelism()} CPUs; load average (1/5/15 min) ${loadAtStart} at the start, ${load()} at the end.\n\n${headlines.length ? headlines.join("\n") : "(no benchmark reported a headline)"}`,
];
sections.unshift(...head);
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", "latest.md"), `${sections.join("\n\n")}\n`);
process.stdout.write(`\nwrote bench/results/latest.md (${files.length} benchmarks, ${failed} failed)\n`);
process.exit(failed === 0 ? 0 : 1);
