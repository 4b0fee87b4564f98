import { previousMonth } from "../../src/core/domain/common.ts";
import type { Ports } from "../../src/core/domain/ports.ts";
import { loadPeople } from "./offline/people.ts";
import type { KnownEntity } from "./offline-model.ts";

/**
 * Names the offline model should recognise before any tool has returned them: every open
 * deal, its company, and every customer, and the organisation's reference formats (Jira issue
 * keys, invoice numbers; referencePrefixes). Loaded once at start-up from the ports; the model
 * also learns names from tool results during a conversation.
 */
export async function loadKnownEntities(
  ports: Pick<Ports, "crm"> & Partial<Pick<Ports, "jira" | "accounting">>,
  onError?: (error: unknown) => void,
  options: { now?: number } = {},
): Promise<KnownEntity[]> {
  // Names are a convenience for the offline model: an unreachable CRM at start-up must not
  // stop daybook; the model still learns names from tool results.
  const [deals, customers] = await Promise.all([
    ports.crm.listOpenDeals().catch((error: unknown) => {
      onError?.(error);
      return [];
    }),
    ports.crm.listCustomers().catch((error: unknown) => {
      onError?.(error);
      return [];
    }),
  ]);
  const out: KnownEntity[] = [];
  const seen = new Set<string>();
  const add = (e: KnownEntity) => {
    const key = `${e.kind}:${e.id ?? ""}:${e.name.toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const p of await referencePrefixes(ports, options.now ?? Date.now(), onError)) add(p);
  for (const c of customers) add({ name: c.name, kind: "customer", id: c.id });
  for (const d of deals) {
    add({ name: d.name, kind: "deal", id: d.id });
    add({ name: d.company.name, kind: "company", id: d.company.id });
  }
  for (const p of await loadPeople(ports, deals, onError)) add(p);
  return out;
}

/** "OPS-" of "OPS-145", "KR-" of "KR-2231"; undefined for "1234" or "RB-2026-118". */
export function referencePrefix(value: string): string | undefined {
  return /^([A-Za-z][A-Za-z0-9]*-)\d+$/.exec(value.trim())?.[1]?.toUpperCase();
}

/**
 * The reference formats of this organisation, so "KR-2231" is read as an invoice and "OPS-145"
 * as an issue: the Jira project's key from the issues the Jira port answers with (it searches
 * only the configured project, JIRA_PROJECT_KEY), and the prefixes of the invoice and bill
 * numbers of this month and last in the accounting system (Xero has no API for its numbering
 * settings, so the numbers in use are the format). One bounded read of each; a failure leaves
 * that format out (references are then read as before: an upper-case key is Jira's).
 */
export async function referencePrefixes(
  ports: Partial<Pick<Ports, "jira" | "accounting">>,
  now: number,
  onError?: (error: unknown) => void,
): Promise<KnownEntity[]> {
  const month = new Date(now).toISOString().slice(0, 7);
  const quiet = <T>(p: Promise<T[]> | undefined): Promise<T[]> =>
    (p ?? Promise.resolve([])).catch((error: unknown) => {
      onError?.(error);
      return [];
    });
  const [issues, thisMonth, lastMonth] = await Promise.all([
    quiet(ports.jira?.searchIssues({ limit: 50 }).then((page) => page.items)),
    quiet(ports.accounting?.listInvoices({ month })),
    quiet(ports.accounting?.listInvoices({ month: previousMonth(month) })),
  ]);
  const out: KnownEntity[] = [];
  const add = (kind: "issue" | "invoice", value: string) => {
    const prefix = referencePrefix(value);
    if (prefix && !out.some((e) => e.kind === kind && e.name === prefix))
      out.push({ name: prefix, kind, prefix: true });
  };
  for (const issue of issues) add("issue", issue.key);
  for (const invoice of [...thisMonth, ...lastMonth]) add("invoice", invoice.number);
  return out;
}
