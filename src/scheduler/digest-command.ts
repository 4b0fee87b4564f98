/**
 * `npm run digest -- <name> [--post] [--owner <crm owner id>] [--month YYYY-MM]`
 * Builds one digest now and prints it as text, or posts it to its configured channels and
 * prints the delivery receipts. A per-person digest (sales) prints or posts one card per
 * audience (account executive); `--owner` picks one. Exit code 0 = every card built and,
 * with --post, every post receipted.
 */
import { parseArgs } from "node:util";
import { type DigestName, digestNames } from "../config/org.ts";
import { cardToText } from "../core/card.ts";
import { DaybookError } from "../core/errors.ts";
import type { Scheduler } from "./scheduler.ts";

export interface DigestCommandOptions {
  argv: string[];
  scheduler: Pick<Scheduler, "runNow">;
  output: { write(text: string): unknown };
}

export function isDigestName(value: string): value is DigestName {
  return (digestNames as readonly string[]).includes(value);
}

export async function runDigestCommand(options: DigestCommandOptions): Promise<number> {
  const { values, positionals } = parseArgs({
    args: options.argv,
    options: { post: { type: "boolean", default: false }, owner: { type: "string" }, month: { type: "string" } },
    allowPositionals: true,
  });
  const name = positionals[0];
  if (!name || !isDigestName(name) || positionals.length > 1) {
    throw new DaybookError(
      "bad_request",
      `usage: npm run digest -- <${digestNames.join("|")}> [--post] [--owner <id>] [--month YYYY-MM]`,
    );
  }
  if (values.month !== undefined && !/^\d{4}-\d{2}$/.test(values.month)) {
    throw new DaybookError("bad_request", `--month must look like 2026-11, got "${values.month}"`);
  }
  const { cards, run } = await options.scheduler.runNow(name, {
    post: values.post,
    ...(values.owner ? { ownerId: values.owner } : {}),
    ...(values.month ? { month: values.month } : {}),
  });
  if (!values.post) {
    // A per-person digest (sales) prints every audience's card, separated by a blank line.
    options.output.write(`${cards.map((card) => cardToText(card)).join("\n\n")}\n`);
    for (const a of run.audienceErrors ?? []) options.output.write(`FAILED to build ${a.label}'s card: ${a.code}\n`);
    return run.audienceErrors ? 1 : 0;
  }
  if (run.deliveries.length === 0) {
    options.output.write(
      `${name}: no channel with an available adapter is configured (org.digests.${name}.channels)\n`,
    );
    return 1;
  }
  for (const a of run.audienceErrors ?? []) options.output.write(`FAILED to build ${a.label}'s card: ${a.code}\n`);
  for (const d of run.deliveries) {
    const who = d.audienceLabel ? `${d.audienceLabel}: ` : "";
    const line =
      who +
      (d.receipt
        ? `posted to ${d.channel} (${d.platform} ${d.target}), message ${d.receipt.messageId}`
        : `FAILED ${d.channel} (${d.platform} ${d.target}) after ${d.attempts} attempts: ${d.error?.code ?? "unknown"}`);
    options.output.write(`${line}\n`);
  }
  return run.status === "delivered" ? 0 : 1;
}
