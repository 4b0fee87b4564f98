import type { RefKind } from "./refs.ts";

/** A name the offline model can recognise in a question (a customer, a deal, a company). */
export interface KnownEntity {
  name: string;
  kind: RefKind;
  id?: string;
  /**
   * `name` is a reference prefix, not a name: "OPS-" for the configured Jira project's issue
   * keys, "KR-" for the accounting system's invoice numbers (entities.ts reads them). A
   * reference like "KR-2231" is then an invoice, not a Jira issue; one whose prefix is both asks.
   */
  prefix?: boolean;
  /** A person (a CRM deal owner with `id` as owner id, or a Jira assignee): a filter, never a subject. */
  person?: boolean;
}
