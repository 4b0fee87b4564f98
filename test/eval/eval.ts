/**
 * Runs every session on each organisation at each pinned date through the Bot (thread memory,
 * real approvals, the offline agent) and scores each turn; `table` writes the per-category,
 * per-role and per-organisation figures as markdown.
 */
import { northwindProfile } from "../../tools/demo/profile.ts";
import { secondOrgProfile } from "../fixtures/second-org/profile.ts";
import { loadOrgData } from "./data.ts";
import { type Fact, name } from "./facts.ts";
import { type Outcome, score } from "./score.ts";
import { changeSessions } from "./sessions-changes.ts";
import { chartSessions } from "./sessions-charts.ts";
import { daySessions } from "./sessions-day.ts";
import { engineeringSessions } from "./sessions-engineering.ts";
import { financeSessions } from "./sessions-finance.ts";
import { heldOutSessions } from "./sessions-held-out.ts";
import { mixedSessions } from "./sessions-mixed.ts";
import { salesSessions } from "./sessions-sales.ts";
import { type Category, categories, type Role, roles, type Session, type Turn } from "./spec.ts";
import { createWorld, type OrgName } from "./world.ts";

export const sessions: Session[] = [
  ...engineeringSessions,
  ...salesSessions,
  ...financeSessions,
  ...mixedSessions,
  ...daySessions,
  ...changeSessions,
  ...heldOutSessions,
  ...chartSessions,
];

/** A Monday mid-month (the demo's pinned date) and the 1st of a month, when "this month" and the close differ. */
export const evalDates = ["2026-11-23T09:00:00Z", "2026-12-01T07:00:00Z"] as const;
export const orgs: OrgName[] = ["demo", "second"];

export interface TurnResult {
  org: OrgName;
  at: string;
  role: Role;
  session: string;
  category: Category;
  question: string;
  reply: string;
  outcome: Outcome | "harness error";
  why: string[];
  /** How many facts the turn checks (must + must-not, or the write's arguments). */
  facts: number;
  kind: "answer" | "refuse" | "write";
}

/** The other organisation's named people and companies: none may appear in a reply. */
function foreignNames(org: OrgName): Fact[] {
  const other = org === "demo" ? secondOrgProfile : northwindProfile;
  return [
    ...Object.values(other.deals)
      .flatMap((v): readonly string[] => ("company" in v ? [v.company] : v))
      .map((n) => name(n)),
    ...Object.values(other.customers).map((c) => name(c.name)),
    name(other.lead.ownerName),
    name(other.second.ownerName),
    ...other.engineers.map((n) => name(n)),
  ];
}

export async function runEval(
  options: { orgs?: OrgName[]; dates?: readonly string[]; onTurn?: (r: TurnResult) => void } = {},
): Promise<TurnResult[]> {
  const results: TurnResult[] = [];
  for (const org of options.orgs ?? orgs) {
    for (const at of options.dates ?? evalDates) {
      const world = await createWorld(org, at);
      const data = await loadOrgData(world);
      const foreign = foreignNames(org);
      for (const [s, session] of sessions.entries()) {
        const user = session.user[org];
        for (const turn of session.turns) {
          const result = await runTurn(turn);
          results.push(result);
          options.onTurn?.(result);
        }
        async function runTurn(turn: Turn): Promise<TurnResult> {
          const base = { org, at, role: session.role, session: session.title, category: turn.tags[0] as Category };
          let question = "";
          try {
            question = turn.say(data);
            const expectation = turn.expect(data);
            const facts =
              expectation.kind === "answer"
                ? expectation.must.length + (expectation.mustNot?.length ?? 0)
                : expectation.kind === "write"
                  ? expectation.args.length
                  : 1 + (expectation.mustNot?.length ?? 0);
            const requestedBefore = world.requested.length;
            const executedBefore = world.executed.length;
            const { text } = await world.say(user, `s${s}-${at}`, question);
            const scored = score(
              expectation,
              text,
              world.requested.slice(requestedBefore),
              world.executed.slice(executedBefore),
              foreign,
            );
            return { ...base, question, reply: text, ...scored, facts, kind: expectation.kind };
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            return { ...base, question, reply: "", outcome: "harness error", why: [message], facts: 0, kind: "answer" };
          }
        }
      }
    }
  }
  return results;
}

export interface Tally {
  turns: number;
  right: number;
  wrong: number;
  refusal: number;
  errors: number;
}

export function tally(results: TurnResult[]): Tally {
  const n = (o: TurnResult["outcome"]) => results.filter((r) => r.outcome === o).length;
  return {
    turns: results.length,
    right: n("right"),
    wrong: n("wrong"),
    refusal: n("refusal"),
    errors: n("harness error"),
  };
}

const pct = (part: number, whole: number) => (whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)} %`);

function rows<K extends string>(results: TurnResult[], keys: readonly K[], of: (r: TurnResult) => K): string[] {
  return keys
    .map((k) => [k, tally(results.filter((r) => of(r) === k))] as const)
    .filter(([, t]) => t.turns > 0)
    .map(
      ([k, t]) =>
        `| ${k} | ${t.turns} | ${t.right} (${pct(t.right, t.turns)}) | ${t.wrong} (${pct(t.wrong, t.turns)}) | ${t.refusal} (${pct(t.refusal, t.turns)}) |`,
    );
}

export function table(results: TurnResult[]): string {
  const head = (what: string) => [
    `| ${what} | turns | right | wrong | honest refusal |`,
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  const all = tally(results);
  const byOrgDate = [...new Set(results.map((r) => `${r.org} @ ${r.at}`))];
  return [
    `Offline model, ${all.turns} turns (${sessions.length} sessions x ${new Set(results.map((r) => r.org)).size} organisations x ${new Set(results.map((r) => r.at)).size} dates): ` +
      `${pct(all.right, all.turns)} right, ${pct(all.wrong, all.turns)} wrong, ${pct(all.refusal, all.turns)} honest refusal` +
      (all.errors ? `, ${all.errors} harness errors` : ""),
    "",
    ...head("organisation @ date"),
    ...rows(results, byOrgDate, (r) => `${r.org} @ ${r.at}`),
    "",
    ...head("category"),
    ...rows(results, categories, (r) => r.category),
    "",
    ...head("role"),
    ...rows(results, roles, (r) => r.role),
  ].join("\n");
}

/** The wrong turns, one line each, for the report. */
export function failures(results: TurnResult[]): string {
  return results
    .filter((r) => r.outcome !== "right")
    .map(
      (r) =>
        `- [${r.outcome}] ${r.org} ${r.at.slice(0, 10)} ${r.role} (${r.category}): "${r.question}" - ${r.why.join("; ")}`,
    )
    .join("\n");
}
