/**
 * npm run bench [-- <name-filter>]
 * Runs every bench/*.bench.ts in its own Node process (so memory and JIT state do not leak
 * between benchmarks), prints each report and writes them all to bench/results/latest.md.
 * Benchmarks report ratios against a baseline measured in the same run, never pass/fail on
 * absolute times.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const sections: string[] = [`# daybook benchmarks (${new Date().toISOString()}, node ${process.version})`];
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(process.execPath, ["--expose-gc", join(here, file)], {
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
    sections.push(`## ${file}\n\n${result.stdout.trim()}`);
  }
}
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", "latest.md"), `${sections.join("\n\n")}\n`);
process.stdout.write(`\nwrote bench/results/latest.md (${files.length} benchmarks, ${failed} failed)\n`);
process.exit(failed === 0 ? 0 : 1);
