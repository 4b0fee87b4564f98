/**
 * "Write a user story for ..." (issue 16, item 5): a model drafts the story, its acceptance
 * criteria, security requirements, sub-tasks and an estimate into one `jira_create_story`
 * call; a person approves the exact draft; then the story and each sub-task are created once
 * each. Every step carries its own idempotency key (approval id + step index), so a step that
 * already ran is found, not repeated, and a partial failure is reported step by step.
 */
import { z } from "zod";
import type { WriteAction, WriteStep } from "../../src/core/actions.ts";
import type { ApprovalOutcome, StepOutcome } from "../../src/core/approval.ts";
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

/**
 * The story first, then each sub-task under it (its parent is the story's key, from the first
 * step's result); a sub-task whose story was not created fails without a call.
 */
function storySteps(args: CreateStoryArgs, port: JiraPort, ctx: JiraToolContext): WriteStep[] {
  const steps: WriteStep[] = [
    {
      title: `story "${args.summary}"`,
      run: async ({ idempotencyKey }) => {
        const story = await port.createIssue(
          { summary: args.summary, type: "Story", description: storyDescription(args), storyPoints: args.storyPoints },
          { idempotencyKey },
        );
        ctx.labels.remember("issue", story.key, `${story.key} ${args.summary}`);
        return {
          ok: true,
          summary: `created story ${story.key} "${args.summary}" (${args.storyPoints} points)`,
          ref: { id: story.key, url: story.url },
        };
      },
    },
  ];
  for (const task of args.subtasks) {
    steps.push({
      title: `sub-task "${task.summary}"`,
      run: async ({ idempotencyKey, previous }) => {
        const parent = previous[0]?.status === "done" ? previous[0].ref?.id : undefined;
        if (!parent) {
          throw new DaybookError("conflict", "sub-task without its story", {
            userMessage: "its story was not created, so it has no parent yet",
          });
        }
        const sub = await port.createSubtask(
          parent,
          { summary: task.summary, ...(task.estimate ? { estimate: task.estimate } : {}) },
          { idempotencyKey },
        );
        return {
          ok: true,
          summary: `created sub-task ${sub.key} "${task.summary}" under ${parent}`,
          ref: { id: sub.key, url: sub.url },
        };
      },
    });
  }
  return steps;
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
      // Outside the approvals service (which runs `steps` with a marker each), the same steps in order.
      const results: StepOutcome[] = [];
      for (const [i, step] of storySteps(args, jira, ctx).entries()) {
        try {
          const out = await step.run({ idempotencyKey: stepKey(options.idempotencyKey, i), previous: [...results] });
          results.push({
            title: step.title,
            status: out.ok ? "done" : "failed",
            summary: out.summary,
            ...(out.ref ? { ref: out.ref } : {}),
          });
        } catch (error) {
          if (!(error instanceof DaybookError)) throw error;
          results.push({ title: step.title, status: "failed", summary: failure(error) });
        }
      }
      const failed = results.filter((r) => r.status !== "done").length;
      const lines = results.map(
        (r, i) => `Step ${i + 1}: ${r.status === "done" ? r.summary : `${r.title} failed: ${r.summary}`}`,
      );
      if (failed > 0) {
        lines.push(
          results[0]?.status === "done"
            ? `${failed} of ${results.length - 1} sub-task(s) failed; the others were created.`
            : `${failed} of ${results.length} step(s) failed; nothing was created in Jira.`,
        );
      }
      const ref = results[0]?.ref;
      return { ok: failed === 0, summary: lines.join("\n"), steps: results, ...(ref ? { ref } : {}) };
    },
    steps: (args) => storySteps(args, jira, ctx),
  };
}
