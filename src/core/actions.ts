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
  /** One line: what will happen ("Log a call on Example Corp (company 5001)"). */
  title(args: z.infer<S>): string;
  /** The exact arguments as a person should read them on the approval card. */
  describe(args: z.infer<S>): CardField[];
  execute(args: z.infer<S>, options: { idempotencyKey: string }): Promise<ApprovalOutcome>;
}

export type AnyWriteAction = WriteAction<z.ZodType>;
