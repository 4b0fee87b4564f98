import type { Listing, Page, WriteOptions } from "./common.ts";

export type StatusCategory = "todo" | "in_progress" | "done";

export interface Sprint {
  id: number;
  name: string;
  state: "active" | "closed" | "future";
  startDate?: string;
  endDate?: string;
  goal?: string;
}

export interface JiraIssue {
  key: string;
  summary: string;
  type: string;
  status: string;
  statusCategory: StatusCategory;
  assignee?: string;
  storyPoints?: number;
  priority?: string;
  labels: string[];
  /** Jira's "Flagged" (impediment) field. */
  flagged: boolean;
  /** Keys or free text of what blocks it ("is blocked by" links, "waiting on Backend team"). */
  blockedBy: string[];
  created: string;
  updated: string;
  /** When the issue entered its current status (from the changelog), ISO. */
  statusChangedAt?: string;
  /** When it reached a done status, ISO. */
  resolvedAt?: string;
  dueDate?: string;
  /** A sub-task's parent issue key. */
  parent?: string;
  url: string;
}

export interface JiraComment {
  id: string;
  author: string;
  created: string;
  body: string;
}

export interface JiraIssueDetail extends JiraIssue {
  description?: string;
  comments: JiraComment[];
}

/** A structured search; implementations build JQL from it, never from raw model text. */
export interface IssueQuery {
  text?: string;
  statusCategory?: StatusCategory;
  status?: string;
  assignee?: string;
  type?: string;
  /** Issues carrying any of these labels (Jira's `labels in (...)`). */
  labels?: string[];
  flagged?: boolean;
  sprintId?: number;
  updatedWithinDays?: number;
  limit?: number;
  cursor?: string;
}

export interface NewJiraIssue {
  summary: string;
  type: "Story" | "Bug" | "Task";
  description?: string;
  assignee?: string;
  labels?: string[];
  priority?: "Highest" | "High" | "Medium" | "Low" | "Lowest";
  /** Due date, YYYY-MM-DD. */
  dueDate?: string;
  /** Written to the connector's story-points field. */
  storyPoints?: number;
}

/** A sub-task under an existing issue (Jira's `parent: { key }`). */
export interface NewJiraSubtask {
  summary: string;
  description?: string;
  /** Jira time-tracking notation for the original estimate, e.g. "4h", "1d 2h". */
  estimate?: string;
}

export interface JiraPort {
  /** The board's active sprint, if any. */
  getActiveSprint(): Promise<Sprint | undefined>;
  /** Complete, or marked `truncated` at the connector's safety cap (say so). */
  getSprintIssues(sprintId: number): Promise<Listing<JiraIssue>>;
  /** The board's last `limit` closed sprints, oldest first (velocity and retros). */
  listClosedSprints(limit: number): Promise<Sprint[]>;
  searchIssues(query: IssueQuery): Promise<Page<JiraIssue>>;
  getIssue(key: string): Promise<JiraIssueDetail>;
  createIssue(input: NewJiraIssue, options: WriteOptions): Promise<{ key: string; url: string }>;
  addComment(key: string, body: string, options: WriteOptions): Promise<{ id: string }>;
  /** A sub-task of `parentKey`; once per idempotency key, like createIssue. */
  createSubtask(parentKey: string, input: NewJiraSubtask, options: WriteOptions): Promise<{ key: string; url: string }>;
}
