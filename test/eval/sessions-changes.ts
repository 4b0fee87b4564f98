/**
 * Writes that are more than one change (issue 16, items 3 and 5): a call note that also
 * schedules a follow-up and sells an add-on is ONE change set whose arguments carry the
 * company, the follow-up instant (Thursday 14:00 in the requester's zone), the deal and the
 * requester as author; a user story asked of the offline model gets the skeleton of what it
 * needs and no write. Expected values come from each organisation's own data.
 */
import { TZDate } from "@date-fns/tz";
import type { OrgData } from "./data.ts";
import { key, name, pattern } from "./facts.ts";
import { answer, at, type Session, short, t, write } from "./spec.ts";

const ae = { demo: "alex", second: "clara" };
const engineer = { demo: "maria", second: "jonas" };

/** The account the call was with: the organisation's most at-risk customer. */
const customer = (d: OrgData) => at(d.atRisk, 0, "customer at risk");

/** The next `weekday` (0 = Sunday) after now, at `hour`:00 in the zone, as the ISO instant the card stores. */
function next(d: OrgData, weekday: number, hour: number): string {
  const local = new TZDate(d.now, d.timeZone);
  const ahead = (weekday - local.getDay() + 7) % 7 || 7;
  return new Date(
    new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + ahead, hour, 0, d.timeZone).getTime(),
  ).toISOString();
}
const thursday2pm = (d: OrgData) => next(d, 4, 14);

const asker = (d: OrgData, id: string) => d.people.find((p) => p.id === id)?.name ?? id;
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const changeSessions: Session[] = [
  {
    role: "account executive",
    title: "a call note with its changes",
    user: ae,
    turns: [
      t(
        "write",
        (d) =>
          `log a call with ${short(customer(d).name)}: scheduled training Thursday 2pm, upsold the onboarding package for $2K`,
        (d) =>
          write("crm_log_call_changes", [
            pattern("the company", new RegExp(`"companyId":"${literal(customer(d).id)}"`)),
            pattern("Thursday 14:00 in the requester's zone", new RegExp(`"dueAt":"${literal(thursday2pm(d))}"`)),
            pattern("a $2,000 deal", /"amount":2000\b/),
            pattern("the won stage", /"stage":"Closed Won"/),
            pattern(
              "the requester as author",
              new RegExp(`"onBehalfOf":\\{[^}]*"name":"${literal(asker(d, ae[d.org]))}"`),
            ),
          ]),
      ),
      t(
        ["write", "topic switch"],
        (d) =>
          `log a call with ${short(customer(d).name)}: booked a workshop on Friday at 10am, proposed the analytics add-on for $5,000`,
        (d) =>
          write("crm_log_call_changes", [
            pattern("Friday 10:00 in the requester's zone", new RegExp(`"dueAt":"${literal(next(d, 5, 10))}"`)),
            pattern("a $5,000 deal", /"amount":5000\b/),
            pattern("the proposal stage, not won", /"stage":"Proposal Sent"/),
          ]),
      ),
      t(
        "write",
        (d) => `log a call on ${short(customer(d).name)}: walked through the admin settings`,
        (d) =>
          write(
            "crm_log_activity",
            [
              pattern("the company", new RegExp(`"id":"${literal(customer(d).id)}"`)),
              pattern("the note", /walked through the admin settings/i),
            ],
            [pattern("no change set for a plain note", /"followUp"|"deal"/)],
          ),
      ),
      t(
        "plain",
        (d) => `prep me for my call with ${short(customer(d).name)}`,
        (d) => answer([name(customer(d).name), pattern("talking points", /talking points/i)]),
      ),
      t(
        "write",
        () =>
          "log a call with Nonexistent Widgets: scheduled training Thursday 2pm, upsold the onboarding package for $2K",
        () => answer([pattern("the customer is not found", /could not find a customer called "Nonexistent Widgets"/)]),
      ),
    ],
  },
  {
    role: "engineer",
    title: "a user story",
    user: engineer,
    turns: [
      t(
        "cannot do",
        () => "write a user story for password reset via email",
        () =>
          answer([
            pattern("what it needs", /without the language model/i),
            pattern("the request's words", /password reset via email/i),
            pattern("the story skeleton", /As a <role>, I want <goal>/),
          ]),
      ),
      t(
        "cannot do",
        () => "write a user story for exporting invoices as CSV",
        () =>
          answer([
            pattern("what it needs", /without the language model/i),
            pattern("the request's words", /exporting invoices as CSV/i),
          ]),
      ),
      t(
        "topic switch",
        () => "what's blocking the sprint?",
        (d) => answer(d.blocked.map((b) => key(b.issue.key))),
      ),
      t(
        "write",
        () => "create a bug: password reset email never arrives, high priority",
        () =>
          write("jira_create_issue", [
            pattern("summary", /"summary":"[^"]*password reset email never arrives/i),
            pattern("type Bug", /"type":"Bug"/),
          ]),
      ),
      t(
        "cannot do",
        () => "write a user story for password reset via email with acceptance criteria",
        () => answer([pattern("the story skeleton", /Given <context>, when <action>, then <outcome>/)]),
      ),
    ],
  },
];
