/**
 * The demo organisation ("Northwind Demo"): a deterministic company with a Jira sprint, a CRM
 * pipeline and customer base, and two years of books. Every relative fact ("replied this
 * morning", "demo tomorrow 2 PM", "silent 5 days") is computed from `now`, so the same situations
 * hold whenever the bot starts; the same `now` + `seed` + `scale` + profile always yields a
 * byte-identical organisation. docs/demo-organisation.md lists the named situations.
 *
 * One generator per domain (jira.ts, crm.ts, books.ts + close-month.ts); profile.ts names the
 * company, so the tests can run the same situations as another organisation.
 *
 * Built for volume: rows are plain object literals made in flat loops (no per-row closures
 * or classes), money is summed in integer cents, and `volumes` lets a benchmark ask for e.g.
 * 1,000,000 bank transactions without also building 160,000 customers.
 */
import { type DemoAccounting, generateAccounting } from "./books.ts";
import { closeBankIds } from "./close-month.ts";
import { type DemoCrm, generateCrm } from "./crm.ts";
import { type DemoJira, generateJira } from "./jira.ts";
import { type DemoProfile, northwindProfile } from "./profile.ts";

export type { AccountingOptions, DemoAccounting } from "./books.ts";
export { demoCloseMonth, HISTORY_MONTHS } from "./books.ts";
export type { DemoCrm } from "./crm.ts";
export type { DemoJira } from "./jira.ts";
export { type DemoProfile, northwindProfile } from "./profile.ts";
export { mulberry32 } from "./random.ts";

export const DEMO_SEED = 20261123;
export const JIRA_BASE_URL = northwindProfile.urls.jira;
export const HUBSPOT_BASE_URL = northwindProfile.urls.crm;
export const XERO_BASE_URL = northwindProfile.urls.accounting;
export const DEMO_CURRENCY = northwindProfile.currency;
export const DEMO_BANK_ACCOUNT = northwindProfile.bankAccount;

export interface DemoVolumes {
  /** Jira issues outside the active sprint (backlog + done history). Default 100 x scale. */
  issues?: number;
  /** Customers including the three named ones. Default 200 x scale. */
  customers?: number;
  /** Vendor bills (ACCPAY) in the close month, including the named ones. Default 250 x scale (pro rata in a month in progress). */
  bills?: number;
  /** Bank statement lines in the close month, including the named exceptions. Default 1,250 x scale (pro rata). */
  bankTransactions?: number;
}

export interface DemoOptions {
  /** Anchor: every relative date is computed from it (use the Clock's now). */
  now: number;
  /** Multiplies the volume of issues, customers, and the close month's bills and bank lines. Default 1. */
  scale?: number;
  seed?: number;
  /** Exact counts overriding `scale` per area (benchmarks). */
  volumes?: DemoVolumes;
  /** Who the organisation is; the demo's Northwind by default. */
  profile?: DemoProfile;
}

export interface DemoOrg {
  name: string;
  now: number;
  seed: number;
  scale: number;
  profile: DemoProfile;
  jira: DemoJira;
  crm: DemoCrm;
  accounting: DemoAccounting;
}

/** Names people will ask about in the demo; tests and docs refer to these. */
export const scenario = {
  sprint: { name: "Sprint 24", donePct: 72, donePctYesterday: 65 },
  jira: {
    readyForReview: "ENG-142",
    waitingOnBackend: "ENG-145",
    deployBlocked: "ENG-147",
    atRisk: ["ENG-151", "ENG-153"],
  },
  deals: {
    acme: "1001",
    techStart: "1002",
    globalIndustries: "1003",
    betaCo: "1004",
    /** Closed in the last 7 days (weekly summary): two won, one lost. */
    wonThisWeek: ["1032", "1033"],
    lostThisWeek: ["1034"],
  },
  customers: { brightTech: "5001", dataFlow: "5002", quickStart: "5003" },
  invoices: { noPo: "4729", duplicate: "4801", original: "4756" },
  bank: closeBankIds,
} as const;

export function generateDemoOrg(options: DemoOptions): DemoOrg {
  const seed = options.seed ?? DEMO_SEED;
  const scale = Math.max(1, Math.floor(options.scale ?? 1));
  const profile = options.profile ?? northwindProfile;
  const v = options.volumes ?? {};
  const crm = generateCrm(options.now, seed, v.customers ?? 200 * scale, profile);
  return {
    name: profile.organisation,
    now: options.now,
    seed,
    scale,
    profile,
    jira: generateJira(options.now, seed, v.issues ?? 100 * scale, profile),
    crm,
    accounting: generateAccounting({
      now: options.now,
      seed,
      scale,
      ...(v.bills === undefined ? {} : { bills: v.bills }),
      ...(v.bankTransactions === undefined ? {} : { bankTransactions: v.bankTransactions }),
      customerNames: crm.customers.slice(0, 400).map((c) => c.name),
      profile,
    }),
  };
}
