/**
 * The conversation eval's harness: it runs at least 200 multi-turn turns on both
 * organisations, every turn checks facts from the data, the scorer can tell right from wrong
 * from an honest refusal, and the score does not fall below the floor measured when the eval
 * was written (issue 13 sets the 90 % target; the floor only catches regressions).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evalDates, runEval, sessions, type TurnResult, tally } from "./eval.ts";
import { isRefusal, key, money, name } from "./facts.ts";
import { score } from "./score.ts";
import { answer, refuse, write } from "./spec.ts";

/**
 * Share of right answers per organisation over both dates, just below what the offline model
 * reached on 2026-12-03 (100 % of 438 turns on each; issue 13's target is 90 %). A share, not a
 * count, so adding turns does not move the floor.
 */
const floor = { demo: 0.98, second: 0.98 };
/** At most this share of confident wrong answers per organisation (none reached; target 2 %). */
const ceiling = { demo: 0.01, second: 0.01 };

describe("the conversation eval", () => {
  let results: TurnResult[];
  beforeAll(async () => {
    results = await runEval();
  }, 60_000);

  it("runs at least 200 turns in multi-turn sessions, on both organisations, for every role", () => {
    for (const org of ["demo", "second"] as const) {
      for (const at of evalDates) {
        expect(results.filter((r) => r.org === org && r.at === at).length).toBeGreaterThanOrEqual(200);
      }
    }
    expect(new Set(results.map((r) => r.role)).size).toBe(6);
    expect(sessions.filter((s) => s.turns.length < 5).map((s) => s.title)).toEqual([]);
  });

  it("builds every turn from the organisation's data, each checking at least one fact", () => {
    expect(results.filter((r) => r.outcome === "harness error").map((r) => `${r.org}: ${r.why}`)).toEqual([]);
    expect(results.filter((r) => r.facts === 0).map((r) => r.question)).toEqual([]);
  });

  it("asks each organisation about its own records", () => {
    const asked = (org: string) => new Set(results.filter((r) => r.org === org).map((r) => r.question));
    const demo = asked("demo");
    const differ = [...asked("second")].filter((q) => !demo.has(q));
    expect(differ.length).toBeGreaterThan(30);
  });

  it("scores every turn and stays at or above the recorded floor", () => {
    for (const org of ["demo", "second"] as const) {
      const t = tally(results.filter((r) => r.org === org));
      expect(t.right + t.wrong + t.refusal).toBe(t.turns);
      expect(t.right / t.turns, `${org} right`).toBeGreaterThanOrEqual(floor[org]);
      expect(t.wrong / t.turns, `${org} wrong`).toBeLessThanOrEqual(ceiling[org]);
    }
  });
});

describe("the eval's scorer", () => {
  const none: never[] = [];

  it("calls a reply right only with every must-fact and no must-not", () => {
    const expectation = answer([key("ENG-145"), money(8500)], [name("Acme Corp")]);
    expect(score(expectation, "ENG-145 waits on a $8,500 bill", none, none, []).outcome).toBe("right");
    expect(score(expectation, "ENG-145 waits on a $8,400 bill", none, none, []).outcome).toBe("wrong");
    expect(score(expectation, "ENG-145, $8,500, and Acme", none, none, []).outcome).toBe("wrong");
  });

  it("counts an honest refusal apart from a wrong answer, and as right where a refusal is expected", () => {
    const cannot = "Sorry, I can't export files: I only answer in chat.";
    expect(isRefusal(cannot)).toBe(true);
    expect(score(answer([key("ENG-145")]), cannot, none, none, []).outcome).toBe("refusal");
    expect(score(refuse("capability"), cannot, none, none, []).outcome).toBe("right");
    expect(score(refuse("capability"), "Here is the churn list: BrightTech", none, none, []).outcome).toBe("wrong");
  });

  it("scores a write by the approval requested and its arguments, and fails one that ran", () => {
    const expectation = write("jira_create_issue", [name("David Okafor")]);
    const requested = [{ tool: "jira_create_issue", args: { summary: "Rotate AWS creds", assignee: "David Okafor" } }];
    const asked = requested as unknown as Parameters<typeof score>[2];
    expect(score(expectation, "Approval requested", asked, none, []).outcome).toBe("right");
    expect(score(expectation, "Approval requested", asked, ["createIssue"], []).outcome).toBe("wrong");
    expect(score(answer([key("ENG-1")]), "ENG-1", asked, none, []).outcome).toBe("wrong");
  });

  it("fails a reply that names the other organisation's records", () => {
    expect(
      score(answer([key("OPS-145")]), "OPS-145, ask Maria Garcia", none, none, [name("Maria Garcia")]).outcome,
    ).toBe("wrong");
  });
});
