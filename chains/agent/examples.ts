import { genericExamples } from "../../prompts/agent-offline.ts";
import type { Clock } from "../../src/core/clock.ts";
import { systemClock } from "../../src/core/clock.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import type { ExampleQuestion } from "../../src/core/examples.ts";
import { scoreCustomers } from "../../tools/crm/churn-score.ts";
import { rankDeals } from "../../tools/crm/deal-priority.ts";

export interface ExampleSourceOptions {
  clock?: Clock;
  /** How long a set of examples is used before it is rebuilt from the ports. Default 1 hour. */
  ttlMs?: number;
  onError?: (error: unknown) => void;
}

const legalSuffix = /\s+(inc\.?|llc|ltd\.?|corp\.?|corporation|gmbh|co\.?|plc|ag|sa)$/i;

/** "Example Corp Inc" is asked about as "Example Corp"; the offline model knows both forms. */
function spoken(name: string): string {
  const bare = name.trim().replace(legalSuffix, "");
  return bare.length >= 3 ? bare : name.trim();
}

/**
 * Example questions about the organisation's own data: its sprint, its customer most at risk
 * of churning, its most pressing open deal. Each part falls back to the generic wording when
 * its system cannot be read or has nothing to show, so help never fails and never names a
 * company the organisation does not have.
 */
export async function buildExamples(
  ports: Pick<Ports, "jira" | "crm">,
  options: Pick<ExampleSourceOptions, "clock" | "onError"> = {},
): Promise<ExampleQuestion[]> {
  const now = (options.clock ?? systemClock).now();
  const read = <T>(promise: Promise<T>): Promise<T | undefined> =>
    promise.catch((error: unknown) => {
      options.onError?.(error);
      return undefined;
    });
  const [sprint, customers, deals] = await Promise.all([
    read(ports.jira.getActiveSprint()),
    read(ports.crm.listCustomers()),
    read(ports.crm.listOpenDeals()),
  ]);
  const atRisk = customers ? scoreCustomers(customers, now).find((r) => r.level !== "low") : undefined;
  const pressing = deals && deals.length > 0 ? rankDeals(deals, now)[0] : undefined;

  const out: ExampleQuestion[] = genericExamples.map((e) => ({ ...e }));
  const replace = (title: string, text: string) => {
    const e = out.find((x) => x.title === title);
    if (e) e.text = text;
  };
  if (atRisk) replace("Churn risk", `why is ${spoken(atRisk.customer.name)} at risk?`);
  if (sprint?.name) replace("Sprint progress", `how is ${sprint.name} going?`);
  if (pressing)
    out.push({ domain: "crm", title: "A deal", text: `what is happening with ${spoken(pressing.deal.company.name)}?` });
  return out;
}

/**
 * The examples people are shown, rebuilt from the ports at most once per `ttlMs`: `current()`
 * answers at once from the last build (generic until the first one finishes) and starts a
 * rebuild in the background when it is stale, so no reply waits on a CRM to suggest a question.
 */
export class ExampleSource {
  readonly #ports: Pick<Ports, "jira" | "crm">;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #examples: readonly ExampleQuestion[] = genericExamples;
  #builtAt = Number.NEGATIVE_INFINITY;
  #building: Promise<readonly ExampleQuestion[]> | undefined;

  constructor(ports: Pick<Ports, "jira" | "crm">, options: ExampleSourceOptions = {}) {
    this.#ports = ports;
    this.#clock = options.clock ?? systemClock;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#onError = options.onError;
  }

  readonly current = (): readonly ExampleQuestion[] => {
    if (this.#clock.now() - this.#builtAt >= this.#ttlMs)
      this.refresh().catch((error: unknown) => this.#onError?.(error));
    return this.#examples;
  };

  /** Rebuilds now (start-up awaits it); concurrent callers share one build. */
  refresh(): Promise<readonly ExampleQuestion[]> {
    this.#building ??= buildExamples(this.#ports, {
      clock: this.#clock,
      ...(this.#onError ? { onError: this.#onError } : {}),
    })
      .then((examples) => {
        this.#examples = examples;
        this.#builtAt = this.#clock.now();
        return examples;
      })
      .finally(() => {
        this.#building = undefined;
      });
    return this.#building;
  }
}
