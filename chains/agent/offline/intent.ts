/**
 * The shape of a precise question (offline/intents.ts and the per-domain intent modules): the
 * words that name it, the bound tool that answers it, the arguments the words imply and how the
 * tool's own result is narrowed before it is rendered.
 */
export type Obj = Record<string, unknown>;

/** What an intent may read of the turn besides the question. */
export interface IntentTurn {
  /** The asker's display name (the turn context's requester line). */
  requester?: string | undefined;
  /** The question as read (typos corrected). */
  question?: string;
  /** The clock's now and the turn's timezone ("the month being closed"). */
  now?: number;
  timeZone?: string;
  /** The previous turn's last call, for a follow-up that keeps its filters. */
  previous?: { tool: string; args: Record<string, unknown> } | undefined;
  /** People the organisation's data names (offline/people.ts); a CRM deal owner has an id. */
  people?: readonly { name: string; id?: string | undefined }[];
}

export interface Intent {
  name: string;
  test: (question: string) => boolean;
  /** The catalog tool that answers it. */
  tool: string;
  /**
   * Asks about one record ("how do we win <deal>?"): applies only when the question names one
   * or follows one up; without it the words alone do not pick the tool, and scoring decides.
   */
  aboutRecord?: boolean;
  /** Arguments the words imply (merged over the ones filled from the question). */
  args?: (question: string, turn?: IntentTurn) => Record<string, unknown>;
  /** The result narrowed to what was asked; same shape as the tool's, so the renderers apply. */
  focus?: (value: Obj, turn?: IntentTurn) => Obj;
  /**
   * The narrowed list is what later pronouns refer to ("what's ready for review?" then "who owns
   * it?"). Left unset where the full list stays the thread's numbering ("the longest blocked",
   * then "and the second one?" is the second blocker).
   */
  refersToNarrowed?: boolean;
  /** The rendered reply adjusted (a lead line for the narrowed answer). */
  finish?: (text: string, value: Obj, question: string) => string;
}
