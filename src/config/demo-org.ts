import { type OrgConfig, standardRoles } from "./org.ts";

/**
 * The embedded demo organisation's people and policies, used when DAYBOOK_CONFIG is unset.
 * "alex" holds every role so the whole demo can be tried from the console; the others have
 * narrower roles for trying least privilege with `npm run chat -- --as maria`.
 */
export const demoOrg: OrgConfig = {
  organisation: "Northwind Demo",
  timezone: "UTC",
  consoleUser: "alex",
  users: [
    {
      id: "alex",
      name: "Alex Rivera",
      roles: ["admin", "engineering", "sales", "success", "finance"],
      slack: "U0DEMOALEX",
      teams: "29:demo-alex",
      crmOwnerId: "owner-alex",
    },
    { id: "maria", name: "Maria Garcia", roles: ["engineering"], slack: "U0DEMOMARIA", teams: "29:demo-maria" },
    { id: "sarah", name: "Sarah Kim", roles: ["engineering"], slack: "U0DEMOSARAH" },
    { id: "david", name: "David Okafor", roles: ["engineering"], slack: "U0DEMODAVID" },
    { id: "sam", name: "Sam Patel", roles: ["sales"], slack: "U0DEMOSAM", crmOwnerId: "owner-sam" },
    { id: "priya", name: "Priya Shah", roles: ["success"], slack: "U0DEMOPRIYA" },
    { id: "fiona", name: "Fiona Walsh", roles: ["finance"], slack: "U0DEMOFIONA", teams: "29:demo-fiona" },
  ],
  roles: standardRoles,
  approvals: {
    default: { users: [], roles: ["admin"], allowSelfApproval: true, ttlHours: 72 },
    jira_create_issue: { users: [], roles: ["engineering", "admin"], allowSelfApproval: true, ttlHours: 72 },
    jira_add_comment: { users: [], roles: ["engineering", "admin"], allowSelfApproval: true, ttlHours: 72 },
    jira_create_story: { users: [], roles: ["engineering", "admin"], allowSelfApproval: true, ttlHours: 72 },
    crm_log_activity: { users: [], roles: ["sales", "success", "admin"], allowSelfApproval: true, ttlHours: 72 },
    crm_update_deal_stage: { users: [], roles: ["sales", "admin"], allowSelfApproval: true, ttlHours: 72 },
    crm_log_call_changes: { users: [], roles: ["sales", "admin"], allowSelfApproval: true, ttlHours: 72 },
    // Separation of duties: whoever asks for a payment approval may not approve it.
    accounting_approve_invoice: { users: [], roles: ["finance"], allowSelfApproval: false, ttlHours: 72 },
    accounting_reject_invoice: { users: [], roles: ["finance"], allowSelfApproval: false, ttlHours: 72 },
    accounting_code_bank_line: { users: [], roles: ["finance"], allowSelfApproval: false, ttlHours: 72 },
  },
  // What each channel may show (ARCHITECTURE.md, decision 8): its team's own system, and
  // everything for leadership, which reads the weekly summary.
  channels: {
    engineering: { console: "engineering", audience: ["jira"] },
    sales: { console: "sales", audience: ["crm"] },
    success: { console: "success", audience: ["crm"] },
    finance: { console: "finance", audience: ["accounting"] },
    leadership: { console: "leadership", audience: ["jira", "crm", "accounting"] },
  },
  digests: {
    standup: { enabled: true, cron: "0 9 * * 1-5", channels: ["engineering"] },
    sales: { enabled: true, cron: "30 8 * * 1-5", channels: ["sales"] },
    churn: { enabled: true, cron: "0 10 * * *", channels: ["success"] },
    close: { enabled: true, cron: "0 18 1-3,25-31 * *", channels: ["finance"] },
    weekly: { enabled: true, cron: "0 16 * * 5", channels: ["leadership"] },
    // Monday morning: the week's renewal calls get planned before the week fills up.
    renewals: { enabled: true, cron: "0 9 * * 1", channels: ["success"] },
    // Engineering rhythm: Friday afternoon retro, Monday kickoff after the standup, Wednesday check-in.
    retro: { enabled: true, cron: "0 15 * * 5", channels: ["engineering"] },
    kickoff: { enabled: true, cron: "30 9 * * 1", channels: ["engineering"] },
    checkin: { enabled: true, cron: "30 9 * * 3", channels: ["engineering"] },
    // Quarterly business review: 09:00 on the first weekday of each quarter ("1W": the 1st, or
    // the Monday after when it falls on a weekend), about the quarter just ended.
    qbr: { enabled: true, cron: "0 9 1W 1,4,7,10 *", channels: ["leadership"] },
  },
  // Proposals ("proposal for Acme Corp, 500 users, annual") and meeting prep's competitors.
  sales: {
    priceList: {
      product: "Northwind Platform",
      currency: "USD",
      unitPrice: 8,
      annualDiscount: 0.2,
      minUsers: 5,
      validDays: 30,
    },
    competitors: ["Okta", "Microsoft Entra", "Auth0", "Ping Identity"],
  },
  agent: { maxToolCalls: 6, maxTurnMs: 60_000, historyTurns: 20 },
};
