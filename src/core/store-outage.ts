import { DaybookError } from "./errors.ts";

/**
 * What daybook says while its state store is unreachable (issue 11 part 6: degrade, don't die).
 * Reads still work and say that thread memory was skipped; anything that must be recorded
 * (approval requests, decisions) is refused, because an approval that cannot be stored cannot
 * be decided, audited or executed once.
 */
export const historyUnavailableNote =
  "I couldn't reach my memory of this thread, so I answered without the earlier messages.";

export const historyNotSavedNote =
  "I couldn't save this exchange to my memory of this thread, so a follow-up may not know about it.";

export const writesRefusedNotice =
  "I can't take write requests right now: my state store is unavailable, so approvals can't be recorded. Nothing was changed; ask again once it's back.";

export const decisionsRefusedNotice =
  "I can't record approval decisions right now: my state store is unavailable. Nothing was changed; try again once it's back.";

export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof DaybookError && error.code === "store_unavailable";
}
