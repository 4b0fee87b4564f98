import { describe, expect, it } from "vitest";
import { guardFigures, ungroundedFigures, ungroundedNote, ungroundedReply } from "./figure-guard.ts";

const sources = (toolResults: string[], userText: string[] = []) => ({
  toolResults,
  userText,
  context: ["2026-11-23"],
});

const deals = JSON.stringify({
  pipeline: 215000,
  weightedPipeline: 83180.5,
  deals: [
    { id: "1023", name: "VividMedia", amount: 71000, probability: 0.5, closeDate: "2026-12-25" },
    { id: "1021", name: "GreenMedia", amount: 48450, probability: 0.42, closeDate: "2027-01-24" },
    { id: "1020", name: "BlueMedia", amount: 47000, probability: 0.25, closeDate: "2026-12-14" },
  ],
  more: 5,
});

describe("the figure guard", () => {
  it("accepts a tool's figures in the forms people write them", () => {
    const reply =
      "Pipeline: $215,000 ($83,180.50 weighted, about $83.2k) across 3 deals; VividMedia is at 50% and closes 2026-12-25, in 32 days. GreenMedia is $48.5k at 42%, and 8 more deals exist.";
    expect(ungroundedFigures(reply, sources([deals]))).toEqual([]);
  });

  it("does not read ids, link targets, times of day or scales as figures", () => {
    const reply =
      "See [ENG-145](https://jira.example.com/browse/ENG-145/9999), invoice INV-0042 and approval `apr_77`; updated 8:40 AM, health 45/100.";
    expect(ungroundedFigures(reply, sources([JSON.stringify({ health: 45 })]))).toEqual([]);
  });

  it("accepts numbers the person said themselves", () => {
    expect(ungroundedFigures("No $2,100 wire came in.", sources(["[]"], ["what's that $2,100 wire?"]))).toEqual([]);
  });

  it("flags a figure no tool returned, including a total the model added up itself", () => {
    expect(ungroundedFigures("Revenue grew 37.5% to $912,345.", sources([deals]))).toEqual(["37.5%", "$912,345"]);
    expect(ungroundedFigures("Together they are worth $166,450.", sources([deals]))).toEqual(["$166,450"]);
  });

  it("keeps a grounded reply as it is", () => {
    const reply = "VividMedia is $71,000 at 50%.";
    expect(guardFigures(reply, sources([deals]))).toEqual({ text: reply, ungrounded: [] });
  });

  it("drops only the sentences with invented figures and says so", () => {
    const guarded = guardFigures(
      "VividMedia is $71,000 at 50%. It will surely grow 300% next year.\n- BlueMedia: $47,000\n- RedMedia: $12,345",
      sources([deals]),
    );
    expect(guarded.text).toBe(`VividMedia is $71,000 at 50%.\n- BlueMedia: $47,000\n${ungroundedNote}`);
    expect(guarded.ungrounded).toEqual(["300%", "$12,345"]);
  });

  it("replaces a reply with nothing grounded left by a safe sentence", () => {
    expect(guardFigures("The close has 417 exceptions worth $88,123.45.", sources([deals])).text).toBe(ungroundedReply);
    expect(guardFigures("Top deals:\n- RedMedia: $12,345", sources([deals])).text).toBe(ungroundedReply);
  });
});
