/**
 * Draws the Teams app icons (https://learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons):
 * color.png 192x192 (symbol on a solid accent background) and outline.png 32x32 (white
 * symbol on transparent). Run `node manifest/teams/icons.ts` to regenerate them.
 */
import { writeFileSync } from "node:fs";
import { encodePng, type RgbaImage } from "./png.ts";

const accent = [0x2f, 0x5d, 0x8a] as const;

/** An open daybook: two pages with ruled lines, in a unit square. */
function inBook(x: number, y: number): boolean {
  const inPage = y >= 0.16 && y <= 0.84 && ((x >= 0.04 && x <= 0.46) || (x >= 0.54 && x <= 0.96));
  if (!inPage) return false;
  const onLine = [0.36, 0.52, 0.68].some((ly) => y >= ly && y <= ly + 0.07);
  const inLineSpan = (x >= 0.12 && x <= 0.38) || (x >= 0.62 && x <= 0.88);
  return !(onLine && inLineSpan);
}

/** Coverage of the symbol over one pixel, 4x4 supersampled for smooth edges. */
function coverage(px: number, py: number, size: number, inset: number): number {
  let hits = 0;
  for (let sy = 0; sy < 4; sy++) {
    for (let sx = 0; sx < 4; sx++) {
      const x = (px + (sx + 0.5) / 4 - inset) / (size - 2 * inset);
      const y = (py + (sy + 0.5) / 4 - inset) / (size - 2 * inset);
      if (x >= 0 && x <= 1 && y >= 0 && y <= 1 && inBook(x, y)) hits++;
    }
  }
  return hits / 16;
}

export function colorIcon(): RgbaImage {
  const size = 192;
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, size, 44);
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) pixels[i + k] = Math.round(accent[k]! * (1 - c) + 255 * c);
      pixels[i + 3] = 255;
    }
  }
  return { width: size, height: size, pixels };
}

export function outlineIcon(): RgbaImage {
  const size = 32;
  const pixels = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      pixels[i] = 255;
      pixels[i + 1] = 255;
      pixels[i + 2] = 255;
      pixels[i + 3] = Math.round(255 * coverage(x, y, size, 2));
    }
  }
  return { width: size, height: size, pixels };
}

if (import.meta.main) {
  writeFileSync(new URL("./color.png", import.meta.url), encodePng(colorIcon()));
  writeFileSync(new URL("./outline.png", import.meta.url), encodePng(outlineIcon()));
  process.stdout.write("wrote manifest/teams/color.png and manifest/teams/outline.png\n");
}
