import type { z } from "zod";
import type { ApprovalOutcome, StepOutcome } from "./approval.ts";
import type { CardField } from "./card.ts";
import type { ToolDomain } from "./principal.ts";

/**
 * A write to the outside world. It never runs inside the agent loop: the agent's tool call
 * becomes an Approval, and `execute` runs once after a person approves (decision 1).
 */
export interface WriteAction<S extends z.ZodType = z.ZodType> {
  name: string;
  domain: ToolDomain;
  description: string;
  schema: S;
  requiresApproval: true;
  /**
   * The write is made on behalf of the person who asked: the agent sets the
   * `onBehalfOf` argument from the requester itself (never from the model), so the approval
   * card shows it and the stored arguments credit that person (a CRM note's author).
   */
  actsForRequester?: boolean;
  /**
   * Resolves what the words named into the exact write before a card is shown ("the $2,100
   * wire" -> that bank line's id, "legal" -> account 441): `ok: false` is the question or
   * refusal posted instead of a card (several lines match, none does). Runs reads only.
   */
  prepare?(args: z.infer<S>): Promise<{ ok: true; args: z.infer<S> } | { ok: false; reply: string }>;
  /** One line: what will happen ("Log a call on Example Corp (company 5001)"). */
  title(args: z.infer<S>): string;
  /** The exact arguments as a person should read them on the approval card. */
  describe(args: z.infer<S>): CardField[];
  execute(args: z.infer<S>, options: { idempotencyKey: string }): Promise<ApprovalOutcome>;
  /**
   * A change set: several writes behind this one card (a call note, a follow-up task, a deal).
   * When present the approvals service runs these instead of `execute`, each at most once per
   * approval (marker `approval:<id>:step:<i>:executed`), reports each step's result, and lets
   * a person retry only the steps that failed. `previous` holds the results of earlier steps
   * (in order) for a step that needs one (a sub-task needs its story's key).
   */
  steps?(args: z.infer<S>): WriteStep[];
}

/** One write of a change set. */
export interface WriteStep {
  /** What it writes, shown in the step-by-step report ("Follow-up task Thu 10 Dec at 14:00"). */
  title: string;
  run(options: { idempotencyKey: string; previous: (StepOutcome | undefined)[] }): Promise<ApprovalOutcome>;
}

export type AnyWriteAction = WriteAction<z.ZodType>;
