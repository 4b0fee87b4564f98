import type { ToolDomain } from "./principal.ts";

/**
 * A question daybook suggests (help text, Slack suggested prompts, the offline model's "you
 * can ask me"). Built from the organisation's own data where it can be, so nobody is invited
 * to ask about a company they have never heard of.
 */
export interface ExampleQuestion {
  domain: ToolDomain;
  /** Short label where a platform shows one (Slack suggested prompts). */
  title: string;
  /** The question as a person would type it, lower-case first letter. */
  text: string;
}

/** The current examples; a source refreshes them from the ports behind this call. */
export type ExampleQuestions = () => readonly ExampleQuestion[];
