/**
 * Issue 16, item 8 in chat: "show me the burndown chart", "velocity chart", "pipeline by stage
 * chart" and "P&L trend chart" post the chart as a PNG in the thread (alt text, text fallback)
 * through the composed offline agent, on the demo and the second organisation and on two dates;
 * the reply is the one-line fallback with the figures, which Slack and Teams both show.
 */
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { renderCard } from "../adapters/slack/format/block-kit.ts";
import { renderAdaptiveCard } from "../adapters/teams/format/adaptive-card.ts";
import { fixedClock } from "../src/core/clock.ts";
import type { ChatFile } from "../src/core/files.ts";
import { generateDemoOrg } from "../tools/demo/generate.ts";
import { northwindProfile } from "../tools/demo/profile.ts";
import { oneLine } from "../tools/shared/chart-tools.ts";
import { secondOrgProfile } from "./fixtures/second-org/profile.ts";
import { offlineAgent, toolsOf } from "./support/offline-agent.ts";

const orgs = [
  { label: "the demo org", profile: northwindProfile, timeZone: "UTC" },
  { label: "the second org", profile: secondOrgProfile, timeZone: "Europe/Berlin" },
];
const dates = ["2026-11-23T09:00:00Z", "2026-12-03T15:00:00Z"];

const questions = [
  { ask: "show me the burndown chart", tool: "jira_chart", kind: "burndown" },
  { ask: "velocity chart", tool: "jira_chart", kind: "velocity" },
  { ask: "pipeline by stage chart", tool: "crm_chart", kind: "pipeline_by_stage" },
  { ask: "P&L trend chart", tool: "accounting_chart", kind: "pnl_trend" },
];

function decode(file: ChatFile): PNG {
  expect(file.mimeType).toBe("image/png");
  return PNG.sync.read(Buffer.from(file.bytes));
}

async function world(profile: typeof northwindProfile, timeZone: string, at: string) {
  const clock = fixedClock(at);
  return offlineAgent(generateDemoOrg({ now: clock.now(), profile }), clock, { files: true, timeZone });
}

describe.each(dates)("charts asked for in chat on %s", (at) => {
  describe.each(orgs)("on $label", ({ profile, timeZone }) => {
    it.each(questions)(
      "'$ask' calls $tool and posts its chart as a PNG with alt text, the reply stating its figures",
      async (q) => {
        const { ask, read } = await world(profile, timeZone, at);
        const turn = await ask(q.ask);
        expect(toolsOf(turn)).toEqual([q.tool]);
        const files = turn.answer.files ?? [];
        expect(files).toHaveLength(1);
        const file = files[0] as ChatFile;
        const png = decode(file);
        // Drawn at twice 640 x 320, plus title and axes.
        expect(png.width).toBeGreaterThanOrEqual(1280);
        expect(png.height).toBeGreaterThanOrEqual(640);
        expect(file.altText).toMatch(/chart/i);
        // The reply is the tool's own sentence: the title and the fallback figures on one line.
        const direct = await read(q.tool, { kind: q.kind });
        expect(String(direct.charted)).toContain(oneLine(file.fallbackText));
        expect(turn.text).toContain(oneLine(file.fallbackText));
        expect(turn.text).not.toContain("\n");
        const slack = JSON.stringify(renderCard(turn.answer.card));
        const teams = JSON.stringify(renderAdaptiveCard(turn.answer.card));
        const firstFigure = oneLine(file.fallbackText).split(";")[0] as string;
        expect(slack).toContain(JSON.stringify(firstFigure).slice(1, -1));
        expect(teams).toContain(JSON.stringify(firstFigure).slice(1, -1));
      },
    );
  });

  // The two generated organisations share their finished-issue history, so their velocity is
  // the same figures; every other chart differs. Either way the picture follows the figures.
  it.each(questions)(
    "'$ask' draws the two organisations' pictures alike exactly when their figures are alike",
    async (q) => {
      const drawn = await Promise.all(
        orgs.map(async ({ profile, timeZone }) => {
          const turn = await (await world(profile, timeZone, at)).ask(q.ask);
          const file = (turn.answer.files ?? [])[0] as ChatFile;
          return { pixels: Buffer.from(decode(file).data).toString("base64"), figures: file.fallbackText };
        }),
      );
      const [demo, second] = drawn as [(typeof drawn)[0], (typeof drawn)[0]];
      if (q.kind !== "velocity") expect(demo.figures).not.toEqual(second.figures);
      expect(demo.pixels === second.pixels).toBe(demo.figures === second.figures);
    },
  );
});

describe("chart words and their neighbours", () => {
  it("'pipeline by stage' without 'chart' keeps its text answer, and no file", async () => {
    const { ask } = await world(northwindProfile, "UTC", dates[0] as string);
    const turn = await ask("pipeline by stage");
    expect(toolsOf(turn)).not.toContain("crm_chart");
    expect(turn.answer.files ?? []).toEqual([]);
  });

  it("'download the burndown chart as a file' is the chart, not the export refusal", async () => {
    const { ask } = await world(secondOrgProfile, "Europe/Berlin", dates[1] as string);
    const turn = await ask("download the burndown chart as a file");
    expect(toolsOf(turn)).toEqual(["jira_chart"]);
    expect(turn.text).not.toMatch(/can't export/);
  });

  it("'P&L trend chart to October' ends the trend on October", async () => {
    const { ask } = await world(northwindProfile, "UTC", dates[1] as string);
    const turn = await ask("P&L trend chart to October");
    expect(toolsOf(turn)).toEqual(["accounting_chart"]);
    expect((turn.answer.files ?? [])[0]?.name).toBe("pnl-trend-2026-10.png");
  });
});
