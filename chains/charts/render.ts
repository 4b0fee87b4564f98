/**
 * Charts drawn on the server, with no browser: a Vega-Lite spec compiled to Vega
 * (https://vega.github.io/vega-lite/usage/compile.html), rendered headless to SVG
 * (`new vega.View(..., { renderer: "none" }).toSVG()`), rasterised to PNG by resvg. All three
 * are loaded on the first chart, not at start-up (test/lazy-sdks.test.ts): a replica that
 * never posts a digest never pays for them.
 */
type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");
type Resvg = typeof import("@resvg/resvg-js");

let libraries: Promise<[Vega, VegaLite, Resvg]> | undefined;

function load(): Promise<[Vega, VegaLite, Resvg]> {
  libraries ??= Promise.all([import("vega"), import("vega-lite"), import("@resvg/resvg-js")]);
  return libraries;
}

/**
 * resvg draws no text without a font: it reads the system's fonts (the Dockerfile installs
 * DejaVu, the face named here; any sans-serif stands in elsewhere).
 */
const fontOptions = {
  loadSystemFonts: true,
  defaultFontFamily: "DejaVu Sans",
  sansSerifFamily: "DejaVu Sans",
};

/** A Vega-Lite spec (top-level view); kept loose here, the compiler checks it. */
export type ChartSpec = Record<string, unknown>;

export const chartWidth = 640;
export const chartHeight = 320;

/** The chart as PNG bytes, drawn at twice its size for sharp text on high-density screens. */
export async function renderChart(spec: ChartSpec): Promise<Uint8Array> {
  const [vega, vegaLite, { Resvg }] = await load();
  const compiled = vegaLite.compile({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: chartWidth,
    height: chartHeight,
    background: "white",
    config: { font: "DejaVu Sans", view: { stroke: null } },
    ...spec,
  } as Parameters<VegaLite["compile"]>[0]).spec;
  // renderer "none" with no loader: nothing is fetched, and data is always inline.
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, {
    font: fontOptions,
    background: "white",
  })
    .render()
    .asPng();
  return new Uint8Array(png);
}
