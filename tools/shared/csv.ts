import { stringify } from "csv-stringify/sync";
import type { ChatFile } from "../../src/core/files.ts";

export type CsvCell = string | number | undefined;

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, and tab or carriage return before
 * one) gets a leading apostrophe, which Excel, Sheets and LibreOffice show as text: OWASP's
 * advice on CSV injection (https://owasp.org/www-community/attacks/CSV_Injection). Numbers stay
 * numbers: only text from the systems (a vendor name, a memo) can carry a formula.
 */
export function neutralise(cell: CsvCell): string | number {
  if (cell === undefined) return "";
  if (typeof cell === "number") return cell;
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * RFC 4180 CSV (https://www.rfc-editor.org/rfc/rfc4180): CRLF line ends, a field with a comma,
 * quote or line break quoted and its quotes doubled (csv-stringify does the quoting), with a
 * UTF-8 byte order mark so Excel reads non-ASCII names correctly.
 */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return `\uFEFF${stringify([header, ...rows.map((r) => r.map(neutralise))], {
    record_delimiter: "\r\n",
    // csv-stringify quotes a field holding the record delimiter (CRLF) but not a bare LF or CR,
    // which RFC 4180 (section 2.6) says must be quoted too.
    quoted_match: /[\r\n]/,
  })}`;
}

/** The export as a chat file: the CSV, and its first rows as text for where the file is not shown. */
export function csvFile(options: {
  name: string;
  title: string;
  header: string[];
  rows: CsvCell[][];
  /** One line saying what the file holds ("12 open deals, $1.2M"). */
  summary: string;
}): ChatFile {
  const csv = toCsv(options.header, options.rows);
  return {
    name: options.name,
    mimeType: "text/csv",
    bytes: new TextEncoder().encode(csv),
    title: options.title,
    fallbackText: options.summary,
  };
}
