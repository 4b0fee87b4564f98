/**
 * Write actions as the model sees them (ARCHITECTURE.md decision 1): a tool with the action's
 * name, description and schema whose body only requests an approval, on behalf of the requester.
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import type { AnyWriteAction } from "../../src/core/actions.ts";
import type { AnswerInput } from "../../src/core/answerer.ts";
import type { ApprovalService } from "../../src/core/approval.ts";
import { toDaybookError } from "../../src/core/errors.ts";
import type { Logger } from "../../src/core/logger.ts";
import { isStoreUnavailable, writesRefusedNotice } from "../../src/core/store-outage.ts";
import { reportError } from "../../src/core/user-facing-error.ts";
import { WRITE_TOOL_METADATA_KEY } from "./offline/tool-info.ts";

/**
 * A LangChain tool with the write action's name, description and schema whose body only
 * requests an approval: the model can ask for a write but can never perform one.
 */
export function approvalTool(
  action: AnyWriteAction,
  input: AnswerInput,
  approvals: Pick<ApprovalService, "requestApproval">,
  outcome: { requested: string[]; refused: string[] },
  log: Logger,
): StructuredToolInterface {
  return tool(
    async (modelArgs: Record<string, unknown>) => {
      // Who the write is for comes from the requester, never from the model's arguments.
      const { onBehalfOf: _ignored, ...rest } = modelArgs;
      let args: Record<string, unknown> = action.actsForRequester
        ? {
            ...rest,
            onBehalfOf: {
              name: input.principal.name,
              ...(input.principal.crmOwnerId ? { crmOwnerId: input.principal.crmOwnerId } : {}),
              // Times the write names ("Thursday 2pm") are the requester's own.
              ...(input.principal.timeZone ? { timeZone: input.principal.timeZone } : {}),
            },
          }
        : modelArgs;
      try {
        if (action.prepare) {
          const prepared = await action.prepare(args);
          if (!prepared.ok) return prepared.reply;
          args = prepared.args as Record<string, unknown>;
        }
        let title: string | undefined;
        try {
          title = action.title(args);
        } catch {
          title = undefined;
        }
        const approval = await approvals.requestApproval(
          {
            tool: action.name,
            args,
            requester: input.principal,
            thread: input.message.thread,
            ...(title ? { title } : {}),
          },
          // The card shows the write's arguments, which are this domain's data.
          (card) => (input.post ? input.post(card, [action.domain]) : input.responder.reply(card)),
        );
        outcome.requested.push(approval.id);
        return `Approval ${approval.id} requested; waiting for a person to approve. Nothing has been changed yet.`;
      } catch (error) {
        const err = toDaybookError(error);
        if (isStoreUnavailable(err)) {
          outcome.refused.push(action.name);
          log.warn("write refused: store unavailable", { tool: action.name, code: err.code });
          return writesRefusedNotice;
        }
        const facing = reportError(log, error, {
          msg: "approval request failed",
          component: "agent",
          fields: { tool: action.name },
        });
        return `Could not request approval: ${facing.text}`;
      }
    },
    {
      name: action.name,
      description: `Requests approval to: ${action.description} This does not perform the write; a person must approve it in the thread first.`,
      schema: action.schema as never,
      metadata: { [WRITE_TOOL_METADATA_KEY]: true },
    },
  ) as unknown as StructuredToolInterface;
}
