import nodeCron from "node-cron";
import type { z } from "zod";
import { didYouMean } from "./did-you-mean.ts";
import { digestDomains } from "./digest-domains.ts";

/**
 * Checks on the org config that a field's own schema cannot make: names that must refer to
 * something defined elsewhere in the file, duplicate identities, and time zones and cron
 * expressions as node-cron will read them. Every message names the problem and the fix; the
 * field path comes from the issue's path.
 */

/** Accepts what the scheduler's node-cron and the period maths (Intl) accept, not only canonical names ("UTC" is not in supportedValuesOf). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export function timeZoneMessage(value: unknown): string {
  const hint = didYouMean(String(value), Intl.supportedValuesOf("timeZone"));
  return `${JSON.stringify(value)} is not an IANA time zone${hint}; use a name such as Europe/London, America/New_York or UTC`;
}

export function isCron(value: string): boolean {
  return nodeCron.validate(value);
}

export function cronMessage(value: unknown): string {
  return `${JSON.stringify(value)} is not a valid cron expression; use 5 fields (minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5" for 09:00 on weekdays) or 6 with seconds first`;
}

/** The message of a strict object's unknown keys, with the nearest allowed key for a typo. */
export function unknownKeysMessage(keys: readonly string[], allowed: readonly string[]): string {
  const listed = keys.map((key) => `"${key}"${didYouMean(key, allowed)}`).join(", ");
  return `unknown key${keys.length > 1 ? "s" : ""} ${listed}; allowed here: ${allowed.join(", ")}`;
}

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const entriesOf = (value: unknown): [string, unknown][] => (isRecord(value) ? Object.entries(value) : []);
const itemsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const choices = (names: readonly string[]) => (names.length > 0 ? names.join(", ") : "(none defined yet)");

/**
 * Cross-reference checks over the whole org config. Runs even when other fields failed their
 * own schema (the schema passes `when`), so one start-up lists every problem; hence the value is
 * read defensively rather than trusted as an OrgConfig.
 */
export function checkReferences(org: unknown, ctx: z.RefinementCtx): void {
  const report: Report = (path, message) => ctx.addIssue({ code: "custom", path, message });
  if (!isRecord(org)) return;
  const users = itemsOf(org.users).filter(isRecord);
  const userIds = [...new Set(users.map((u) => u.id).filter((id): id is string => typeof id === "string"))];
  const roleNames = Object.keys(isRecord(org.roles) ? org.roles : {});
  const channelNames = Object.keys(isRecord(org.channels) ? org.channels : {});

  const checkRole = (path: Path, role: unknown) => {
    if (typeof role !== "string" || roleNames.includes(role)) return;
    report(
      path,
      `"${role}" is not a role${didYouMean(role, roleNames)}; define it under roles: or use one of: ${choices(roleNames)}`,
    );
  };
  const checkUser = (path: Path, id: unknown, fix: string) => {
    if (typeof id !== "string" || userIds.includes(id)) return;
    report(path, `"${id}" is not a configured user${didYouMean(id, userIds)}; ${fix} ${choices(userIds)}`);
  };

  for (const [i, user] of itemsOf(org.users).entries()) {
    if (!isRecord(user)) continue;
    for (const [j, role] of itemsOf(user.roles).entries()) checkRole(["users", i, "roles", j], role);
  }
  checkDuplicates(itemsOf(org.users), report);

  for (const [action, policy] of entriesOf(org.approvals)) {
    if (!isRecord(policy)) continue;
    for (const [j, role] of itemsOf(policy.roles).entries()) checkRole(["approvals", action, "roles", j], role);
    for (const [j, id] of itemsOf(policy.users).entries()) {
      checkUser(["approvals", action, "users", j], id, "add them under users: or use one of:");
    }
  }

  for (const [name, channel] of entriesOf(org.channels)) {
    if (isRecord(channel) && !["slack", "teams", "console"].some((p) => typeof channel[p] === "string")) {
      report(["channels", name], "names no slack, teams or console target, so nothing would be posted there");
    }
  }

  for (const [name, digest] of entriesOf(org.digests)) {
    if (!isRecord(digest)) continue;
    itemsOf(digest.channels).forEach((channel, j) => {
      if (typeof channel !== "string") return;
      if (!channelNames.includes(channel)) {
        report(
          ["digests", name, "channels", j],
          `"${channel}" is not a channel${didYouMean(channel, channelNames)}; define it under channels: or use one of: ${choices(channelNames)}`,
        );
        return;
      }
      checkDigestAudience(
        ["digests", name, "channels", j],
        name,
        channel,
        (org.channels as Record<string, unknown>)[channel],
        report,
      );
    });
  }

  if (org.consoleUser !== undefined) {
    checkUser(["consoleUser"], org.consoleUser, "leave consoleUser out to use the first admin, or set one of:");
  }
}

/**
 * A digest shows its domains' data to everyone in the channel; a channel whose declared
 * audience leaves one out would have it refused at every firing, so it is refused at start-up.
 * Channels without a declared audience are checked against their members when the digest fires.
 */
function checkDigestAudience(path: Path, digest: string, channel: string, config: unknown, report: Report): void {
  const shows: readonly string[] | undefined = (digestDomains as Record<string, readonly string[]>)[digest];
  if (!shows || !isRecord(config) || !Array.isArray(config.audience)) return;
  const audience = config.audience.filter((d): d is string => typeof d === "string");
  const missing = shows.filter((d) => !audience.includes(d));
  if (missing.length === 0) return;
  const may = audience.length > 0 ? `may show only ${audience.join(", ")}` : "may show no system's data";
  report(
    path,
    `the ${digest} digest shows ${shows.join(" and ")} data, but "${channel}" ${may} (channels.${channel}.audience); post it to a channel whose audience includes ${missing.join(" and ")}, or add ${missing.join(" and ")} to channels.${channel}.audience if everyone there may see it`,
  );
}

/** Two people with one id or one Slack/Teams id would make every lookup pick the first silently. */
function checkDuplicates(users: unknown[], report: Report): void {
  for (const field of ["id", "slack", "teams"] as const) {
    const firstIndex = new Map<string, number>();
    users.forEach((user, i) => {
      const value = isRecord(user) ? user[field] : undefined;
      if (typeof value !== "string") return;
      const first = firstIndex.get(value);
      if (first === undefined) {
        firstIndex.set(value, i);
        return;
      }
      report(["users", i, field], `"${value}" is also users[${first}].${field}; each person needs their own ${field}`);
    });
  }
}
