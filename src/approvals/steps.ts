/**
 * A change set's steps (WriteAction.steps): several writes behind one approval card, each run
 * at most once per approval. Every step claims its own marker before its side effect, so a
 * second click, a second replica or a retry never repeats a step that ran; a failed step
 * releases its marker, which is what lets "Retry failed steps" run exactly that step again.
 */
import type { WriteStep } from "../core/actions.ts";
import type { ApprovalOutcome, StepOutcome } from "../core/approval.ts";
import type { Clock } from "../core/clock.ts";
import type { Store } from "../core/store.ts";

/** What `approval:<id>:step:<i>:executed` holds: claimed (running), or done with its result. */
interface StepMarker {
  state: "running" | "done";
  at: number;
  outcome?: StepOutcome;
}

export function stepMarkerKey(approvalId: string, step: number): string {
  return `approval:${approvalId}:step:${step}:executed`;
}

/** The idempotency key a step's connector call carries (approval id + step index). */
export function stepIdempotencyKey(approvalId: string, step: number): string {
  return `${approvalId}:step:${step}`;
}

export interface StepRunDeps {
  store: Store;
  clock: Clock;
  /** How long markers are kept (the record's own retention). */
  ttlMs: number;
  /** The sentence for a step that threw (coded errors' user message; never a raw payload). */
  describeError: (error: unknown, step: number) => string;
}

function parseMarker(raw: string | undefined): StepMarker | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<StepMarker>;
    return parsed.state === "done" || parsed.state === "running" ? (parsed as StepMarker) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs every step that has not run yet: those without a result in `previous`, or whose
 * result there is "failed" (a retry). A step whose marker is claimed by an attempt that never
 * reported is "unknown" and is not run again (it may have written).
 */
export async function runSteps(
  approvalId: string,
  steps: WriteStep[],
  deps: StepRunDeps,
  previous: StepOutcome[] = [],
): Promise<ApprovalOutcome> {
  const results: StepOutcome[] = [];
  for (const [i, step] of steps.entries()) {
    const prior = previous[i];
    if (prior && prior.status !== "failed") {
      results.push(prior);
      continue;
    }
    const markerKey = stepMarkerKey(approvalId, i);
    const claimed = await deps.store.setIfAbsent(
      markerKey,
      JSON.stringify({ state: "running", at: deps.clock.now() } satisfies StepMarker),
      { ttlMs: deps.ttlMs },
    );
    if (!claimed) {
      const marker = parseMarker(await deps.store.get(markerKey));
      results.push(
        marker?.state === "done" && marker.outcome
          ? marker.outcome
          : {
              title: step.title,
              status: "unknown",
              summary:
                "an earlier attempt started this step and its result was not recorded; check it before asking again",
            },
      );
      continue;
    }
    let outcome: StepOutcome;
    try {
      const out = await step.run({ idempotencyKey: stepIdempotencyKey(approvalId, i), previous: [...results] });
      outcome = {
        title: step.title,
        status: out.ok ? "done" : "failed",
        summary: out.summary,
        ...(out.ref ? { ref: out.ref } : {}),
      };
    } catch (error) {
      outcome = { title: step.title, status: "failed", summary: deps.describeError(error, i) };
    }
    if (outcome.status === "done") {
      await deps.store.set(
        markerKey,
        JSON.stringify({ state: "done", at: deps.clock.now(), outcome } satisfies StepMarker),
        { ttlMs: deps.ttlMs },
      );
    } else {
      // Released, so "Retry failed steps" can claim this step again (and only this one).
      await deps.store.delete(markerKey);
    }
    results.push(outcome);
  }
  return combineSteps(results);
}

/** One outcome for the card: ok only when every step is done; a line per step. */
export function combineSteps(steps: StepOutcome[]): ApprovalOutcome {
  const failed = steps.filter((s) => s.status !== "done").length;
  const lines = steps.map((s, i) => {
    const mark = s.status === "done" ? "done" : s.status === "failed" ? "FAILED" : "unknown";
    return `Step ${i + 1} (${s.title}): ${mark}: ${s.summary}`;
  });
  if (failed > 0) lines.push(`${steps.length - failed} of ${steps.length} step(s) done, ${failed} not.`);
  const ref = steps.find((s) => s.ref)?.ref;
  return { ok: failed === 0, summary: lines.join("\n"), steps, ...(ref ? { ref } : {}) };
}

/** A change set whose outcome has a failed step (the only kind a retry may touch). */
export function hasFailedSteps(outcome: ApprovalOutcome | undefined): boolean {
  return outcome?.steps?.some((s) => s.status === "failed") === true;
}
