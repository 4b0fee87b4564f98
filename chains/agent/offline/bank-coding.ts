/**
 * "the $2,100 wire is the legal settlement", "code the €350 refund to sales: customer refund":
 * the offline model's call to the bank-line coding write. The amount, the account words and
 * the memo come from the sentence; which line and which account they name is found from the
 * books by the action itself (tools/accounting/bank-coding.ts) before any card is shown.
 */
import { amountIn } from "./filters.ts";

const lineWord = String.raw`(?:bank\s+)?(?:wire|payment|transfer|charge|line|debit|deposit|refund|receipt|transaction|fee|spend)s?`;
const amount = String.raw`[$€£]\s?[\d][\d,]*(?:\.\d+)?\s*[kK]?`;
const onDate = String.raw`(?:\s+(?:on|from|of)\s+(\d{4}-\d{2}-\d{2}))?`;
/** "the $2,100 wire (on 2026-11-18) is (the) legal settlement" */
const isSentence = new RegExp(
  String.raw`^(?:the\s+)?${amount}\s+${lineWord}${onDate}\s+(?:is|was)\s+(?:the\s+|a\s+|an\s+|our\s+)?(.+)$`,
  "i",
);
/** "code / book / categorise the $2,100 wire to|as legal(: settlement)" */
const codeSentence = new RegExp(
  String.raw`^(?:please\s+)?(?:code|book|categori[sz]e|classify|post|reconcile)\s+(?:the\s+)?${amount}\s+${lineWord}${onDate}\s+(?:to|as|under|against)\s+(?:the\s+)?([^:]+?)(?:\s+account)?(?:\s*[:,-]\s*(.+))?$`,
  "i",
);

function sentence(text: string): string {
  const t = text.trim().replace(/[.!]+$/, "");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function bankCodingCall(
  question: string,
  boundTools: readonly string[],
): { tool: string; args: Record<string, unknown> } | undefined {
  const tool = "accounting_code_bank_line";
  if (!boundTools.includes(tool)) return undefined;
  const q = question.trim().replace(/[.!]+$/, "");
  const value = amountIn(q);
  if (value === undefined) return undefined;
  const coded = codeSentence.exec(q);
  if (coded) {
    const account = coded[2]!.trim();
    return {
      tool,
      args: {
        amount: value,
        account,
        memo: sentence(coded[3] ?? account),
        ...(coded[1] ? { date: coded[1] } : {}),
      },
    };
  }
  const said = isSentence.exec(q);
  if (!said || /\?$/.test(q)) return undefined;
  const what = said[2]!.trim();
  return { tool, args: { amount: value, account: what, memo: sentence(what), ...(said[1] ? { date: said[1] } : {}) } };
}
