/**
 * The chart each digest posts under its card (issue 16, item 8): the standup's burndown, the
 * weekly summary's velocity, the sales digest's pipeline by stage and the close's P&L trend.
 * A chart that cannot be drawn (no dated sprint, no deals) is left out; the card stands alone.
 */
import type { ChatFile } from "../../src/core/files.ts";
import { burndownChart, pipelineChart, pnlTrendChart, velocityChart } from "../charts/charts.ts";
import { digestCloseMonth } from "./close.ts";
import type { Digest, DigestDeps, DigestName, DigestRunOptions } from "./types.ts";

type ChartsFor = (options: DigestRunOptions) => Promise<(ChatFile | undefined)[]>;

function chartsFor(deps: DigestDeps): Partial<Record<DigestName, ChartsFor>> {
  const chartDeps = { ports: deps.ports, clock: deps.clock, ...(deps.timeZone ? { timeZone: deps.timeZone } : {}) };
  return {
    standup: async () => [await burndownChart(chartDeps)],
    weekly: async () => [await velocityChart(chartDeps)],
    sales: async (o) => [await pipelineChart({ ...chartDeps, ...(o.ownerId ? { ownerId: o.ownerId } : {}) })],
    close: async (o) => [await pnlTrendChart(chartDeps, o.month ?? digestCloseMonth(deps))],
  };
}

/** The digests with their charts attached (Digest.charts). */
export function withCharts<T extends Partial<Record<DigestName, Digest>>>(digests: T, deps: DigestDeps): T {
  const charts = chartsFor(deps);
  for (const [name, digest] of Object.entries(digests) as [DigestName, Digest | undefined][]) {
    const make = charts[name];
    if (!digest || !make) continue;
    digest.charts = async (options = {}) => (await make(options)).filter((f): f is ChatFile => f !== undefined);
  }
  return digests;
}
