import type { ApprovalService } from "../core/approval.ts";
import { textCard } from "../core/card.ts";
import type { ChatAdapter, MessageRef, ShortcutHandler } from "../core/chat.ts";
import type { Logger } from "../core/logger.ts";
import type { PrincipalResolver } from "../core/principal.ts";
import { reportError, withTrace } from "../core/user-facing-error.ts";

/** jira_create_issue's summary bounds (tools/jira/tools.ts createIssueSchema). */
const SUMMARY_MAX = 200;
const DESCRIPTION_MAX = 4_000;

/** The issue a message becomes: its first line as the summary, its whole text as the description. */
export function issueFromMessage(text: string): { summary: string; type: "Task"; description: string } | undefined {
  const body = text.trim();
  const firstLine = body.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  let summary = firstLine.replace(/\s+/g, " ").trim();
  if (summary.length > SUMMARY_MAX) summary = `${summary.slice(0, SUMMARY_MAX - 1).trimEnd()}…`;
  if (summary.length < 3) return undefined;
  return { summary, type: "Task", description: body.slice(0, DESCRIPTION_MAX) };
}

export interface JiraFromMessageOptions {
  approvals: ApprovalService;
  principals: PrincipalResolver;
  adapterFor: (platform: MessageShortcut["thread"]["platform"]) => ChatAdapter;
  logger: Logger;
}

type MessageShortcut = Parameters<ShortcutHandler>[0];

/**
 * "Create a Jira issue from this message": an approval request for jira_create_issue made by
 * the person who used the shortcut, under the normal policy, its card posted in the message's
 * thread, or sent to them directly where daybook cannot post there (not in the channel).
 */
export function createJiraFromMessage(options: JiraFromMessageOptions): ShortcutHandler {
  const log = options.logger.child({ component: "shortcuts" });
  return async (shortcut, responder) => {
    const tell = (text: string) =>
      options
        .adapterFor(shortcut.thread.platform)
        .notify(shortcut.thread, shortcut.user, text)
        .catch(async () => {
          await responder.replyPrivately?.(shortcut.user, textCard(text));
        });
    const args = issueFromMessage(shortcut.text);
    if (!args) {
      await tell("That message has no text to make a Jira issue from.");
      return;
    }
    const requester = options.principals.resolve(shortcut.user);
    const post = async (card: Parameters<typeof responder.reply>[0]): Promise<MessageRef> => {
      try {
        return await responder.reply(card);
      } catch (error) {
        if (!responder.replyPrivately) throw error;
        log.info("shortcut approval card goes to the person: daybook cannot post in that thread", { error });
        return responder.replyPrivately(shortcut.user, card);
      }
    };
    try {
      await options.approvals.requestApproval(
        { tool: "jira_create_issue", args, requester, thread: shortcut.thread },
        post,
      );
    } catch (error) {
      // A refusal (no Jira access) is a sentence for the person; a fault also gets a trace id.
      await tell(withTrace(reportError(log, error, { msg: "shortcut failed", component: "shortcuts" })));
    }
  };
}
