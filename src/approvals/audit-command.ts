import type { Store } from "../core/store.ts";
import { AuditLog, formatAuditTable } from "./audit.ts";

export interface AuditCommandOptions {
  store: Store;
  output: { write(chunk: string): unknown };
  /** Newest entries to show; default 50. */
  limit?: number;
}

/** `npm run audit`: prints the newest approval audit entries as a table. Returns how many. */
export async function runAuditCommand(options: AuditCommandOptions): Promise<number> {
  const entries = await new AuditLog(options.store).list(options.limit ?? 50);
  options.output.write(`${formatAuditTable(entries)}\n`);
  return entries.length;
}
