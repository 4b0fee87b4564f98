import type { AccountingPort } from "./accounting.ts";
import type { CrmPort } from "./crm.ts";
import type { JiraPort } from "./jira.ts";

/** The three outside systems; each is a real connector or the demo organisation. */
export interface Ports {
  jira: JiraPort;
  crm: CrmPort;
  accounting: AccountingPort;
  /** "demo" or "real" per system, for labels and readiness. */
  sources: { jira: "demo" | "real"; crm: "demo" | "real"; accounting: "demo" | "real" };
}
