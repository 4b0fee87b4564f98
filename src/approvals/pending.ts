import type { Approval } from "../core/approval.ts";
import type { Store } from "../core/store.ts";
import { key, type StoredApproval } from "./approval-records.ts";

/**
 * Pending approvals by id (value: when the request expires), so a person's App Home can list
 * what waits for them without scanning the store. Written after the record, removed when it
 * is decided or expires; a stale field (a removal lost to a Redis blip) is dropped the next
 * time the index is read, since the record itself is always read and checked.
 */
export const PENDING_APPROVALS_KEY = "approvals:pending";

/** At most this many records are read per listing (the newest requests first). */
const MAX_LISTED = 50;

export async function indexPending(store: Store, approval: Pick<Approval, "id" | "expiresAt">): Promise<void> {
  await store.mapSet(PENDING_APPROVALS_KEY, approval.id, String(approval.expiresAt));
}

export async function unindexPending(store: Store, id: string): Promise<void> {
  await store.mapDelete(PENDING_APPROVALS_KEY, id);
}

/** Every approval still pending and not expired at `now`, newest request first. */
export async function readPending(store: Store, now: number): Promise<StoredApproval[]> {
  const index = await store.mapGetAll(PENDING_APPROVALS_KEY);
  const live = Object.entries(index)
    .filter(([, expiresAt]) => Number(expiresAt) > now)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .slice(0, MAX_LISTED);
  for (const [id, expiresAt] of Object.entries(index)) {
    if (Number(expiresAt) <= now) await unindexPending(store, id);
  }
  const out: StoredApproval[] = [];
  for (const [id] of live) {
    const raw = await store.get(key(id));
    const record = raw === undefined ? undefined : (JSON.parse(raw) as StoredApproval);
    if (record?.status === "pending" && record.expiresAt > now) out.push(record);
    else await unindexPending(store, id);
  }
  return out;
}
