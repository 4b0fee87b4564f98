/**
 * "proposal for <company>, 500 users, annual" (issue 16, item 4): the offline model reads the
 * company, the user count and the term from the sentence, calls crm_proposal, and says what the
 * tool priced, line by line, with the two files following in the thread. Checked before the
 * "I can't" list, whose export entry would otherwise answer "send a proposal PDF".
 */

type Obj = Record<string, unknown>;

export const PROPOSAL_TOOL = "crm_proposal";

const proposalAsked = /\b(proposals?|quotes?|quotations?|pricing (doc|document|sheet|offer))\b/i;
/** "500 users", "1,200 seats", "80 licences". */
const usersIn = /\b(\d{1,3}(?:,\d{3})+|\d+)\s*(?:users?|seats?|licen[cs]es?|people|employees|agents)\b/i;
const companyEnd = String.raw`(?=\s*(?:,|;|:|\bwith\b|\bfor\b|\bat\b|\bon an?\b|\(|\b\d|$))`;
const companyAfter = new RegExp(
  String.raw`\b(?:for|to)\s+(?!\d)(?!an?\s)(?!the\s+(?:users?|seats?)\b)(.+?)${companyEnd}`,
  "i",
);
const companyQuote = new RegExp(String.raw`\bquote\s+(?!for\b|to\b)(.+?)${companyEnd}`, "i");

export type ProposalPlan = { kind: "call"; tool: string; args: Obj } | { kind: "reply"; text: string };

/** The proposal a sentence asks for: its tool call, a question for what is missing, or the reply from the tool's result. */
export function planProposal(
  question: string,
  boundTools: readonly string[],
  results: readonly { tool: string; value: unknown }[],
): ProposalPlan | undefined {
  if (!boundTools.includes(PROPOSAL_TOOL) || !proposalAsked.test(question)) return undefined;
  // "how many proposals did we send?" asks about deals, not for a new document.
  if (/^\s*(how many|which|what|who|when|did|was|were|has|have|show|list)\b/i.test(question)) return undefined;
  const read = results.find((r) => r.tool === PROPOSAL_TOOL);
  if (read) {
    const v = typeof read.value === "object" && read.value !== null ? (read.value as Obj) : {};
    return { kind: "reply", text: typeof v.error === "string" ? v.error : proposalReply(v) };
  }
  const q = question.trim().replace(/[.!?]+$/, "");
  const company = (companyAfter.exec(q)?.[1] ?? companyQuote.exec(q)?.[1])?.trim().replace(/^the\s+/i, "");
  const users = usersIn.exec(q)?.[1];
  // Sending is not something daybook does ("send <customer> a renewal quote" is the "I can't" list's),
  // and a sentence naming neither a company nor a count asks for something else.
  if (/^\s*(please\s+)?(send|e-?mail|mail)\b/i.test(q) || (!company && !users)) return undefined;
  if (!company) return { kind: "reply", text: "Which company is the proposal for?" };
  if (!users) return { kind: "reply", text: `How many users should the proposal for ${company} price?` };
  const term = /\b(monthly|month[- ]to[- ]month|per month|billed monthly)\b/i.test(q) ? "monthly" : "annual";
  return { kind: "call", tool: PROPOSAL_TOOL, args: { company, users: Number(users.replace(/,/g, "")), term } };
}

function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** The tool's own figures, as it wrote them (pricing lines), with the deal and the files named. */
export function proposalReply(v: Obj): string {
  const title = typeof v.proposal === "string" ? v.proposal : "Proposal";
  const lines = [`**${title}**`, ...strs(v.pricing).map((l) => `- ${l}`)];
  if (typeof v.validUntil === "string") lines.push(`Prices hold until ${v.validUntil}.`);
  const deal = typeof v.deal === "object" && v.deal !== null ? (v.deal as Obj) : undefined;
  if (deal && typeof deal.name === "string")
    lines.push(
      `Deal: ${typeof deal.url === "string" ? `[${deal.name}](${deal.url})` : deal.name} (${[deal.stage, deal.owner].filter((x) => typeof x === "string").join(", ")}).`,
    );
  else if (v.inCrm === false && typeof v.company === "string")
    lines.push(`_${v.company} is not in the CRM: the proposal uses the name as you wrote it._`);
  const names = Array.isArray(v.files)
    ? v.files.flatMap((f) =>
        typeof f === "object" && f !== null && typeof (f as Obj).name === "string" ? [String((f as Obj).name)] : [],
      )
    : [];
  if (names.length > 0) lines.push(`The proposal follows in this thread as ${names.join(" and ")}.`);
  return lines.join("\n");
}
