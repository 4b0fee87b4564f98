/**
 * Deal stages as HubSpot keeps them: each pipeline has its own stages, a deal stores the stage's
 * internal id in `dealstage` ("closedwon" in the default pipeline, a number in a custom one) and
 * its pipeline's id in `pipeline`; people name stages by label. A stage change names a label
 * (reads show labels), so it is resolved here to the id of that stage in the deal's own pipeline
 * (https://developers.hubspot.com/docs/api/crm/pipelines): HubSpot rejects a stage id from another
 * pipeline, and a label such as "Closed Won" exists in every pipeline with a different id.
 */
import { DaybookError } from "../../src/core/errors.ts";

export interface PipelineStage {
  pipelineId: string;
  pipeline: string;
  id: string;
  label: string;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function labels(stages: readonly PipelineStage[]): string {
  return stages.map((s) => s.label).join(", ");
}

/**
 * The stage id to send for `wanted` (a label, or already an id) on a deal in `pipelineId`.
 * Unknown stages and labels that name several stages fail with a sentence for the approver,
 * before anything is sent. Without any pipelines (no read scope) the value is sent as given.
 */
export function resolveDealStage(
  stages: readonly PipelineStage[],
  pipelineId: string | undefined,
  wanted: string,
): PipelineStage | { id: string } {
  if (stages.length === 0) return { id: wanted.trim() };
  const own = pipelineId ? stages.filter((s) => s.pipelineId === pipelineId) : [];
  const pool = own.length > 0 ? own : stages;
  const byId = pool.filter((s) => s.id === wanted.trim());
  const byLabel = pool.filter((s) => same(s.label, wanted));
  const found = byId.length > 0 ? byId : byLabel;
  const first = found[0];
  if (found.length === 1 && first) return first;
  const where = own.length > 0 ? `the pipeline "${own[0]?.pipeline}"` : "HubSpot's deal pipelines";
  if (!first) {
    throw new DaybookError("bad_request", "deal stage not in the pipeline", {
      userMessage: `${upper(where)} has no stage "${wanted.trim().slice(0, 60)}"; its stages are ${labels(pool)}.`,
    });
  }
  const pipelines = [...new Set(found.map((s) => s.pipeline))];
  throw new DaybookError("conflict", "deal stage label names several stages", {
    userMessage:
      pipelines.length > 1
        ? `"${first.label}" is a stage in ${pipelines.length} pipelines (${pipelines.join(", ")}) and the deal's pipeline is unknown; ask for the stage by its id: ${found.map((s) => `${s.id} (${s.pipeline})`).join(", ")}.`
        : `${upper(where)} has ${found.length} stages labelled "${first.label}"; ask for one by its id: ${found.map((s) => s.id).join(", ")}.`,
  });
}

function upper(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
