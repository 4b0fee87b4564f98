import { APPROVE_ACTION_ID, REJECT_ACTION_ID, RETRY_STEPS_ACTION_ID } from "../core/action-ids.ts";
import type { ApprovalService } from "../core/approval.ts";
import type { ButtonClick, ClickHandler, ClickResult, Responder } from "../core/chat.ts";
import { DaybookError } from "../core/errors.ts";
import { fingerprint } from "../core/log-redact.ts";
import type { Logger } from "../core/logger.ts";
import { decisionsRefusedNotice, isStoreUnavailable, writesRefusedNotice } from "../core/store-outage.ts";
import { reportError, withTrace } from "../core/user-facing-error.ts";

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
    const retries = click.actionId === RETRY_STEPS_ACTION_ID && options.approvals.retryFailedSteps !== undefined;
    const decides = click.actionId === APPROVE_ACTION_ID || click.actionId === REJECT_ACTION_ID || retries;
    try {
      if (decides) {
        const decision = click.actionId === APPROVE_ACTION_ID ? "approve" : "reject";
        const result =
          retries && options.approvals.retryFailedSteps
            ? await options.approvals.retryFailedSteps(click.value, click.user)
            : await options.approvals.decide(click.value, click.user, decision);
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
      if (isStoreUnavailable(error)) {
        // A decision or a digest button's approval request that cannot be recorded must not
        // half-happen; the clicker is told plainly and may click again once the store is back.
        options.logger.warn("button click refused: store unavailable", {
          code: "store_unavailable",
          actionId: click.actionId,
        });
        return { kind: "notice", text: decides ? decisionsRefusedNotice : writesRefusedNotice };
      }
      // The value is whatever the clicked payload carried (forgeable, possibly long): only its
      // fingerprint is logged, and an expected refusal (not found) is not logged at error.
      const facing = reportError(options.logger, error, {
        msg: "button click failed",
        component: "clicks",
        fields: { actionId: click.actionId, value: fingerprint(click.value) },
      });
      return { kind: "notice", text: withTrace(facing) };
    }
  };
}
