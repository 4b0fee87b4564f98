/** Results every domain can return: an export (tools/*\/export-tools.ts) says its sentence; the file follows in the thread. */
import type { ShapeRenderer } from "./shape.ts";

export const fileRenderers: readonly ShapeRenderer[] = [
  {
    shape: "exported file",
    matches: (v) => typeof v.exported === "string" && Array.isArray(v.files),
    render: (v) => ({ text: String(v.exported) }),
  },
  {
    // A chart (tools/shared/chart-tools.ts): its title and figures in one line, the PNG follows.
    shape: "chart file",
    matches: (v) => typeof v.charted === "string" && Array.isArray(v.files),
    render: (v) => ({ text: String(v.charted) }),
  },
];
