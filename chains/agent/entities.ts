import type { Ports } from "../../src/core/domain/ports.ts";
import type { KnownEntity } from "./offline-model.ts";

/**
 * Names the offline model should recognise before any tool has returned them: every open
 * deal, its company, and every customer. Loaded once at start-up from the CRM port; the model
 * also learns names from tool results during a conversation.
 */
export async function loadKnownEntities(
  ports: Pick<Ports, "crm">,
  onError?: (error: unknown) => void,
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
  for (const c of customers) add({ name: c.name, kind: "customer", id: c.id });
  for (const d of deals) {
    add({ name: d.name, kind: "deal", id: d.id });
    add({ name: d.company.name, kind: "company", id: d.company.id });
  }
  return out;
}
