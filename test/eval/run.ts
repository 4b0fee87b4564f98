/**
 * npm run eval [-- --org demo|second] [-- --date <iso>]
 * Runs the conversation eval (test/eval/eval.ts), prints the tables and writes them with every
 * turn that was not right to bench/results/eval-<date>.md. Also run by `npm run bench` (its
 * HEADLINE line goes into the bench summary).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { evalDates, failures, orgs, runEval, table, tally } from "./eval.ts";
import type { OrgName } from "./world.ts";

const { values } = parseArgs({
  options: { org: { type: "string", multiple: true }, date: { type: "string", multiple: true } },
});
const started = performance.now();
const results = await runEval({
  orgs: (values.org as OrgName[] | undefined) ?? orgs,
  dates: values.date ?? evalDates,
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const t = tally(results);
const summary = table(results);
const pct = (n: number) => ((100 * n) / t.turns).toFixed(1);
process.stdout.write(`${summary}\n\n(${seconds} s)\n`);
process.stdout.write(
  `HEADLINE: eval ${t.turns} turns: ${pct(t.right)} % right, ${pct(t.wrong)} % wrong, ${pct(t.refusal)} % honest refusal\n`,
);

const dir = fileURLToPath(new URL("../../bench/results/", import.meta.url));
mkdirSync(dir, { recursive: true });
const file = join(dir, `eval-${new Date().toISOString().slice(0, 10)}.md`);
writeFileSync(
  file,
  `# daybook conversation eval (${new Date().toISOString()}, node ${process.version}, ${seconds} s)\n\n${summary}\n\n## Turns not right\n\n${failures(results)}\n`,
);
process.stdout.write(`wrote ${file}\n`);
process.exit(t.errors === 0 ? 0 : 1);
