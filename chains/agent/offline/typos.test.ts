import { describe, expect, it } from "vitest";
import { correctTypos, editDistance, vocabularyOf } from "./typos.ts";

const vocabulary = vocabularyOf([
  "jira sprint status: how is the sprint going? what is ready for review? what is blocking the sprint?",
  "crm deals by priority: open pipeline, deal detail, find a customer",
  "Northwind Traders",
]);

describe("reading a question's typos", () => {
  it("counts a swapped pair of letters as one edit", () => {
    expect(editDistance("teh", "the")).toBe(1);
    expect(editDistance("reveiw", "review")).toBe(1);
    expect(editDistance("pipelne", "pipeline")).toBe(1);
    expect(editDistance("deal", "ideas")).toBeGreaterThan(1);
  });

  it("corrects dropped, swapped and wrong letters into the words the tools use", () => {
    expect(correctTypos("whats redy for reveiw?", vocabulary)).toBe("whats ready for review?");
    expect(correctTypos("waht's blokcing the sprnt", vocabulary)).toBe("what's blocking the sprint");
    expect(correctTypos("hows teh sprnit goign", vocabulary)).toBe("hows the sprint going");
    expect(correctTypos("hw much pipelne do i hav", vocabulary)).toBe("how much pipeline do i have");
    expect(correctTypos("tell me abuot the northwind deel", vocabulary)).toBe("tell me about the northwind deal");
  });

  it("leaves everyday words, other forms of known words and capitalised names as written", () => {
    for (const q of [
      "how far along is the sprint",
      "what did we win in the last 30 days?",
      "book a meeting with the board",
      "what's the stock price?",
      "and the bank side?",
      "invoices from Richtr Beratung",
    ])
      expect(correctTypos(q, vocabulary), q).toBe(q);
  });

  it("leaves a word it cannot place as written rather than guessing between two", () => {
    expect(correctTypos("xyzzy", vocabulary)).toBe("xyzzy");
  });
});
