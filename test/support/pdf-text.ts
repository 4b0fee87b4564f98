/**
 * Just enough PDF reading for the tests to check what a generated PDF says: the header, the
 * page count and the text shown on its pages. Content streams are inflated with node:zlib
 * (pdfkit compresses them with FlateDecode) and the strings of their TJ / Tj operators decoded
 * from WinAnsi, the encoding of the standard fonts pdfkit writes with.
 */
import { inflateSync } from "node:zlib";

export interface PdfFacts {
  header: string;
  pages: number;
  /** The text of each TJ/Tj operator, one per line, in stream order. */
  text: string;
}

// WinAnsi differs from Latin-1 in 0x80-0x9F; the signs a proposal can print.
const winAnsi: Record<number, string> = { 128: "€", 150: "–", 151: "—", 146: "’" };

function decodeHex(hex: string): string {
  let out = "";
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const code = Number.parseInt(hex.slice(i, i + 2), 16);
    out += winAnsi[code] ?? String.fromCharCode(code);
  }
  return out;
}

export function readPdf(bytes: Uint8Array): PdfFacts {
  const buf = Buffer.from(bytes);
  const raw = buf.toString("latin1");
  const pages = (raw.match(/\/Type \/Page(?![s\w])/g) ?? []).length;
  const lines: string[] = [];
  let at = 0;
  for (;;) {
    const start = raw.indexOf("stream\n", at);
    if (start < 0) break;
    const end = raw.indexOf("\nendstream", start);
    if (end < 0) break;
    at = end + 10;
    const chunk = buf.subarray(start + 7, end);
    let content: string;
    try {
      content = inflateSync(chunk).toString("latin1");
    } catch {
      content = chunk.toString("latin1");
    }
    for (const m of content.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]+)>\s*Tj/g)) {
      const parts = m[1] !== undefined ? [...m[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1] ?? "") : [m[2] ?? ""];
      lines.push(parts.map(decodeHex).join(""));
    }
  }
  return { header: raw.slice(0, 8), pages, text: lines.join("\n") };
}
