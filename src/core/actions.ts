import type { z } from "zod";
import type { ApprovalOutcome } from "./approval.ts";
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
}

export type AnyWriteAction = WriteAction<z.ZodType>;
