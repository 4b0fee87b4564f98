/**
 * "Write a user story for ..." (issue 16, item 5): a model drafts the story, its acceptance
 * criteria, security requirements, sub-tasks and an estimate into one `jira_create_story`
 * call; a person approves the exact draft; then the story and each sub-task are created once
 * each. Every step carries its own idempotency key (approval id + step index), so a step that
 * already ran is found, not repeated, and a partial failure is reported step by step.
 */
import { z } from "zod";
import type { WriteAction } from "../../src/core/actions.ts";
import type { ApprovalOutcome } from "../../src/core/approval.ts";
import type { CardField } from "../../src/core/card.ts";
import type { JiraPort } from "../../src/core/domain/jira.ts";
import { DaybookError, isDaybookError } from "../../src/core/errors.ts";
import type { JiraToolContext } from "./tools.ts";

/** Planning-poker points, the scale Jira teams estimate stories on. */
export const STORY_POINT_SCALE = [1, 2, 3, 5, 8, 13] as const;

const line = (max: number) => z.string().trim().min(3).max(max);

export const createStorySchema = z.object({
  summary: line(200).describe("One-line story title, e.g. 'Password reset via email'"),
  story: line(600).describe("As a <role>, I want <goal> so that <benefit>."),
  acceptanceCriteria: z.array(line(400)).min(1).max(10).describe("Each as 'Given ..., when ..., then ...'"),
  securityRequirements: z.array(line(400)).max(10).default([]),
  subtasks: z
    .array(
      z.object({
        summary: line(200),
        estimate: z
          .string()
          .trim()
          .regex(/^\d{1,3}[wdhm]( \d{1,3}[wdhm])*$/, "Jira time notation like 4h or 1d 2h")
          .optional()
          .describe("Original estimate in Jira notation, e.g. 4h, 1d 2h"),
      }),
    )
    .max(12)
    .default([]),
  storyPoints: z
    .number()
    .int()
    .refine((n) => (STORY_POINT_SCALE as readonly number[]).includes(n), {
      message: `story points on the team's scale: ${STORY_POINT_SCALE.join(", ")}`,
    })
    .describe(`Estimate in story points, one of ${STORY_POINT_SCALE.join(", ")}`),
});
export type CreateStoryArgs = z.infer<typeof createStorySchema>;

/** The story's Jira description: the parts a reader of the ticket needs, in one text. */
export function storyDescription(args: CreateStoryArgs): string {
  const parts = [args.story, "", "Acceptance criteria:", ...args.acceptanceCriteria.map((c) => `- ${c}`)];
  if (args.securityRequirements.length > 0) {
    parts.push("", "Security requirements:", ...args.securityRequirements.map((r) => `- ${r}`));
  }
  return parts.join("\n");
}

/** Per-step idempotency key: the approval id and the step's index (0 = the story). */
export function stepKey(approvalId: string, step: number): string {
  return `${approvalId}-step-${step}`;
}

function failure(error: unknown): string {
  // Only a coded error's user message reaches chat; anything else is rethrown by the caller.
  return isDaybookError(error) ? error.userMessage : "failed";
}

export function jiraStoryAction(jira: JiraPort, ctx: JiraToolContext): WriteAction<typeof createStorySchema> {
  return {
    name: "jira_create_story",
    domain: "jira",
    description:
      "Create a Jira user story with acceptance criteria, security requirements, sub-tasks and story points; " +
      "needs a person's approval. Draft every part from the request. " +
      'Examples: "write a user story for password reset via email", "story for exporting invoices as CSV".',
    schema: createStorySchema,
    requiresApproval: true,
    title: (args) => `Create a Jira story with ${args.subtasks.length} sub-task(s): "${args.summary}"`,
    describe: (args) => {
      const fields: CardField[] = [
        { label: "Summary", value: args.summary },
        { label: "Story", value: args.story },
        { label: "Story points", value: String(args.storyPoints) },
        {
          label: "Acceptance criteria",
          value: args.acceptanceCriteria.map((c, i) => `${i + 1}. ${c}`).join("\n"),
        },
      ];
      if (args.securityRequirements.length > 0) {
        fields.push({ label: "Security", value: args.securityRequirements.map((r) => `- ${r}`).join("\n") });
      }
      args.subtasks.forEach((t, i) => {
        fields.push({ label: `Sub-task ${i + 1}`, value: t.estimate ? `${t.summary} (${t.estimate})` : t.summary });
      });
      return fields;
    },
    async execute(args, options): Promise<ApprovalOutcome> {
      const lines: string[] = [];
      let story: { key: string; url: string };
      try {
        story = await jira.createIssue(
          {
            summary: args.summary,
            type: "Story",
            description: storyDescription(args),
            storyPoints: args.storyPoints,
          },
          { idempotencyKey: stepKey(options.idempotencyKey, 0) },
        );
      } catch (error) {
        if (!(error instanceof DaybookError)) throw error;
        const skipped = args.subtasks.length > 0 ? `; ${args.subtasks.length} sub-task(s) not created` : "";
        return { ok: false, summary: `Step 1, story "${args.summary}": ${failure(error)}${skipped}` };
      }
      ctx.labels.remember("issue", story.key, `${story.key} ${args.summary}`);
      lines.push(`Step 1: created story ${story.key} "${args.summary}" (${args.storyPoints} points)`);
      let failed = 0;
      for (const [i, task] of args.subtasks.entries()) {
        try {
          const sub = await jira.createSubtask(
            story.key,
            { summary: task.summary, ...(task.estimate ? { estimate: task.estimate } : {}) },
            { idempotencyKey: stepKey(options.idempotencyKey, i + 1) },
          );
          lines.push(`Step ${i + 2}: created sub-task ${sub.key} "${task.summary}" under ${story.key}`);
        } catch (error) {
          if (!(error instanceof DaybookError)) throw error;
          failed++;
          lines.push(`Step ${i + 2}: sub-task "${task.summary}" failed: ${failure(error)}`);
        }
      }
      if (failed > 0) lines.push(`${failed} of ${args.subtasks.length} sub-task(s) failed; the others were created.`);
      return { ok: failed === 0, summary: lines.join("\n"), ref: { id: story.key, url: story.url } };
    },
  };
}
