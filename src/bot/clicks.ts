import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from "../core/action-ids.ts";
import type { ApprovalService } from "../core/approval.ts";
import type { ButtonClick, ClickHandler, ClickResult, Responder } from "../core/chat.ts";
import { DaybookError, toDaybookError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";

export type ButtonHandler = (click: ButtonClick, responder: Responder) => Promise<ClickResult>;

export interface ClickRouterOptions {
  approvals: ApprovalService;
  logger: Logger;
  /** Digest buttons (draft follow-up, log outreach, close exceptions), wired in main.ts. */
  handlers?: Record<string, ButtonHandler>;
}

/**
 * Routes every daybook button. Approve/Reject go to `approvals.decide` with the clicking user;
 * the decision's card replaces the clicked card, refusals are notices only the clicker sees.
 */
export function createClickRouter(options: ClickRouterOptions): ClickHandler {
  return async (click, responder) => {
    try {
      if (click.actionId === APPROVE_ACTION_ID || click.actionId === REJECT_ACTION_ID) {
        const decision = click.actionId === APPROVE_ACTION_ID ? "approve" : "reject";
        const result = await options.approvals.decide(click.value, click.user, decision);
        switch (result.kind) {
          case "decided":
          case "expired":
            return { kind: "update", card: result.card };
          case "already_decided":
          case "not_allowed":
          case "not_found":
            return { kind: "notice", text: result.notice };
        }
      }
      const handler = options.handlers?.[click.actionId];
      if (!handler) throw new DaybookError("unknown_action", `unknown action id "${click.actionId}"`);
      return await handler(click, responder);
    } catch (error) {
      const err = toDaybookError(error);
      options.logger.error("button click failed", { code: err.code, actionId: click.actionId, error: err });
      return { kind: "notice", text: err.userMessage };
    }
  };
}
