import { describe, expect, it } from "vitest";
import { type PipelineStage, resolveDealStage } from "./deal-stages.ts";

const stages: PipelineStage[] = [
  { pipelineId: "default", pipeline: "Sales Pipeline", id: "closedwon", label: "Closed Won" },
  { pipelineId: "default", pipeline: "Sales Pipeline", id: "contractsent", label: "Contract Sent" },
  { pipelineId: "77", pipeline: "Renewals", id: "1180002", label: "Closed Won" },
  { pipelineId: "77", pipeline: "Renewals", id: "1180003", label: "Review" },
  { pipelineId: "77", pipeline: "Renewals", id: "1180004", label: "Review" },
];

describe("resolveDealStage", () => {
  it("takes the stage of the deal's own pipeline for a label every pipeline has", () => {
    expect(resolveDealStage(stages, "default", "closed won")).toMatchObject({ id: "closedwon" });
    expect(resolveDealStage(stages, "77", "Closed Won")).toMatchObject({ id: "1180002" });
  });

  it("accepts a stage id as it is", () => {
    expect(resolveDealStage(stages, "77", "1180003")).toMatchObject({ id: "1180003", label: "Review" });
  });

  it("asks for the id when the deal's pipeline is unknown and several pipelines have the label", () => {
    expect(() => resolveDealStage(stages, undefined, "Closed Won")).toThrow(
      expect.objectContaining({
        code: "conflict",
        userMessage:
          '"Closed Won" is a stage in 2 pipelines (Sales Pipeline, Renewals) and the deal\'s pipeline is unknown; ask for the stage by its id: closedwon (Sales Pipeline), 1180002 (Renewals).',
      }),
    );
  });

  it("asks for the id when one pipeline has two stages with the label", () => {
    try {
      resolveDealStage(stages, "77", "review");
      expect.unreachable();
    } catch (error) {
      expect((error as { userMessage: string }).userMessage).toBe(
        'The pipeline "Renewals" has 2 stages labelled "Review"; ask for one by its id: 1180003, 1180004.',
      );
    }
  });

  it("sends the value as given when the pipelines could not be read", () => {
    expect(resolveDealStage([], "default", "closedwon")).toEqual({ id: "closedwon" });
  });
});
