/**
 * How an eval session is written: a role, the user playing it in each organisation, and turns.
 * A turn is a question (from the organisation's data) and what a right reply carries, both
 * functions of OrgData, so the same session runs on every organisation with its own names.
 */
import type { OrgData } from "./data.ts";
import type { Fact } from "./facts.ts";

export const roles = ["scrum master", "engineer", "account executive", "CSM", "controller", "CFO"] as const;
export type Role = (typeof roles)[number];

export const categories = [
  "plain",
  "follow-up",
  "topic switch",
  "typo",
  "casual",
  "period",
  "filter",
  "write",
  "out of role",
  "cannot do",
] as const;
export type Category = (typeof categories)[number];

export type Expectation =
  /** A right reply carries every `must` fact and no `mustNot` one. */
  | { kind: "answer"; must: Fact[]; mustNot?: Fact[] }
  /** The right reply is an honest refusal: not this person's data ("role"), or nothing daybook can do. */
  | { kind: "refuse"; because: "role" | "capability"; mustNot?: Fact[] }
  /** An approval card for `tool` whose arguments (as JSON) carry `args` and none of `argsNot`; nothing runs. */
  | { kind: "write"; tool: string; args: Fact[]; argsNot?: Fact[] };

export interface Turn {
  /** The first category is the one the turn is counted under in the table. */
  tags: Category[];
  say(d: OrgData): string;
  expect(d: OrgData): Expectation;
}

export interface Session {
  role: Role;
  title: string;
  /** The configured user playing the role, per organisation. */
  user: { demo: string; second: string };
  turns: Turn[];
}

export const t = (tags: Category | Category[], say: Turn["say"], expect: Turn["expect"]): Turn => ({
  tags: Array.isArray(tags) ? tags : [tags],
  say,
  expect,
});

export const answer = (must: Fact[], mustNot: Fact[] = []): Expectation => ({ kind: "answer", must, mustNot });
export const refuse = (because: "role" | "capability", mustNot: Fact[] = []): Expectation => ({
  kind: "refuse",
  because,
  mustNot,
});
export const write = (tool: string, args: Fact[], argsNot: Fact[] = []): Expectation => ({
  kind: "write",
  tool,
  args,
  argsNot,
});

/** "Acme Corp" is said "Acme"; "Maria Garcia" is said "Maria". */
export const short = (company: string) => company.replace(/\s+(Inc|Corp|LLC|Co|Ltd|GmbH|AG|KG|SE)\.?(\s+\d+)?$/i, "");
export const first = (person: string) => person.split(" ")[0] ?? person;

export function at<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index];
  if (item === undefined) throw new Error(`the organisation's data has no ${what} #${index + 1}`);
  return item;
}
