/** Thread memory as chat messages, and the requester's local date for the prompt. */
import { AIMessage, type BaseMessage, HumanMessage } from "@langchain/core/messages";
import type { HistoryEntry } from "../../src/core/answerer.ts";

const dateFormats = new Map<string, Intl.DateTimeFormat>();

export function localDate(epochMs: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD; building a formatter costs more than the rest of the prompt.
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(epochMs));
}

/** Thread memory from the Store as chat messages; the stored `data` rides along for the offline model. */
export function historyMessages(history: HistoryEntry[]): BaseMessage[] {
  return history.map((h) =>
    h.role === "user"
      ? new HumanMessage(h.text)
      : new AIMessage({ content: h.text, ...(h.data ? { response_metadata: { daybook: h.data } } : {}) }),
  );
}
