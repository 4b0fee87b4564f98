import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { envSchema } from "../src/config/env.ts";
import { loadConfig } from "../src/config/load.ts";
import { orgSchema } from "../src/config/org.ts";

/** Loads an org config given as YAML lines; returns the error message, or "" when it is valid. */
function problemsIn(...lines: string[]): string {
  try {
    loadConfig({ DAYBOOK_CONFIG: "org.yaml" }, { readFile: () => lines.join("\n") });
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

const people = [
  "users:",
  "  - { id: kim, name: Kim Lee, roles: [finance], slack: U1 }",
  "  - { id: jo, name: Jo Park, roles: [sales], slack: U2 }",
];
const twoChannels = ["channels:", "  engineering: { slack: C1 }", "  sales: { slack: C2 }"];

describe("loadConfig", () => {
  it("gives a working demo with no variables at all", () => {
    const config = loadConfig({});
    expect(config.env.PORT).toBe(3000);
    expect(config.env.REDIS_URL).toBeUndefined();
    expect(config.orgSource).toBe("embedded demo");
    expect(config.org.users.find((u) => u.id === config.org.consoleUser)?.roles).toContain("finance");
  });

  it("names the variable and the fix when a value is bad", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT: .*Fix: set PORT/);
    expect(() => loadConfig({ REDIS_URL: "localhost:6379" })).toThrow(/REDIS_URL: must start with redis:\/\//);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: "xoxp-user-token" })).toThrow(/SLACK_BOT_TOKEN: must be a bot token/);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });

  it("treats empty variables as unset", () => {
    const config = loadConfig({ REDIS_URL: "", OPENAI_API_KEY: " ", JIRA_BOARD_ID: "" });
    expect(config.env.REDIS_URL).toBeUndefined();
    expect(config.env.OPENAI_API_KEY).toBeUndefined();
    expect(config.env.JIRA_BOARD_ID).toBeUndefined();
  });

  it("reads an org config file in YAML and validates it", () => {
    const yaml = [
      "organisation: Acme",
      "users:",
      "  - id: kim",
      "    name: Kim",
      "    roles: [finance]",
      "    slack: U123",
      "digests:",
      "  close:",
      "    cron: '0 18 * * *'",
      "    channels: [finance]",
      "channels:",
      "  finance: { slack: C123 }",
    ].join("\n");
    const config = loadConfig({ DAYBOOK_CONFIG: "/etc/daybook.yaml" }, { readFile: () => yaml });
    expect(config.org.organisation).toBe("Acme");
    expect(config.org.users[0]?.slack).toBe("U123");
    expect(config.org.roles.finance).toEqual(["accounting"]);
    expect(config.org.digests.close?.enabled).toBe(true);
  });

  it("says which file and field is wrong in an org config", () => {
    expect(() =>
      loadConfig({ DAYBOOK_CONFIG: "org.json" }, { readFile: () => JSON.stringify({ users: [{ id: "x" }] }) }),
    ).toThrow(/DAYBOOK_CONFIG \(org.json\)[\s\S]*users\[0\]\.name: is required/);
  });

  it("explains an unreadable org config file", () => {
    expect(() =>
      loadConfig(
        { DAYBOOK_CONFIG: "/nope.yaml" },
        {
          readFile: () => {
            throw new Error("ENOENT");
          },
        },
      ),
    ).toThrow(/DAYBOOK_CONFIG: cannot read "\/nope.yaml".*Fix:/);
  });
});

describe("an org config that says what is wrong", () => {
  it("names an unknown top-level key and the key it was probably meant to be", () => {
    const message = problemsIn(...people, "digest:", "  close: { cron: '0 18 * * *' }");
    expect(message).toMatch(
      /\(top level\): unknown key "digest" \(did you mean "digests"\?\); allowed here: organisation/,
    );
  });

  it("names unknown nested keys by their path: a policy, a digest, a person, the agent, a digest name", () => {
    const message = problemsIn(
      ...people,
      ...twoChannels,
      "approvals:",
      "  default: { roles: [admin], allowSelfAproval: true }",
      "digests:",
      "  standup: { cron: '0 9 * * 1-5', chanels: [engineering] }",
      "  stanup: { cron: '0 9 * * 1-5' }",
      "agent: { maxToolCall: 3 }",
    );
    expect(message).toMatch(
      /approvals\.default: unknown key "allowSelfAproval" \(did you mean "allowSelfApproval"\?\)/,
    );
    expect(message).toMatch(/digests\.standup: unknown key "chanels" \(did you mean "channels"\?\)/);
    expect(message).toMatch(/digests: unknown key "stanup" \(did you mean "standup"\?\); allowed here: standup, sales/);
    expect(message).toMatch(/agent: unknown key "maxToolCall" \(did you mean "maxToolCalls"\?\)/);
    expect(problemsIn("users:", "  - { id: kim, name: Kim, slak: U1 }")).toMatch(/users\[0\]: unknown key "slak"/);
  });

  it("refuses a person's role that is not defined under roles, listing the defined ones", () => {
    const message = problemsIn("users:", "  - { id: kim, name: Kim Lee, roles: [sales, financ] }");
    expect(message).toMatch(
      /users\[0\]\.roles\[1\]: "financ" is not a role \(did you mean "finance"\?\); define it under roles: or use one of: admin, engineering, sales, success, finance/,
    );
  });

  it("refuses an approval policy's role that is not defined under roles", () => {
    const message = problemsIn(
      ...people,
      "roles: { sales: [crm], finance: [accounting] }",
      "approvals:",
      "  crm_log_activity: { roles: [sales, success] }",
    );
    expect(message).toMatch(
      /approvals\.crm_log_activity\.roles\[1\]: "success" is not a role; define it under roles: or use one of: sales, finance/,
    );
  });

  it("refuses an approval policy's user who is not a configured user", () => {
    const message = problemsIn(...people, "approvals:", "  accounting_reject_invoice: { users: [kimm] }");
    expect(message).toMatch(
      /approvals\.accounting_reject_invoice\.users\[0\]: "kimm" is not a configured user \(did you mean "kim"\?\); add them under users: or use one of: kim, jo/,
    );
  });

  it("refuses a digest channel that is not defined under channels, at start-up rather than when the digest fires", () => {
    const message = problemsIn(
      ...people,
      ...twoChannels,
      "digests:",
      "  close: { cron: '0 18 1-3 * *', channels: [finanse] }",
    );
    expect(message).toContain(
      'digests.close.channels[0]: "finanse" is not a channel; define it under channels: or use one of: engineering, sales',
    );
  });

  it("refuses a channel that names no platform target", () => {
    expect(problemsIn("channels:", "  finance: {}")).toMatch(
      /channels\.finance: names no slack, teams or console target/,
    );
  });

  it("refuses a consoleUser who is not a user", () => {
    expect(problemsIn(...people, "consoleUser: alex")).toMatch(
      /consoleUser: "alex" is not a configured user; leave consoleUser out to use the first admin, or set one of: kim, jo/,
    );
  });

  it("names the field of a bad org or digest timezone and suggests the zone it was probably meant to be", () => {
    const message = problemsIn(
      ...people,
      ...twoChannels,
      "timezone: Europe/Londn",
      "digests:",
      "  sales: { cron: '30 8 * * 1-5', timezone: America/NewYork, channels: [sales] }",
    );
    expect(message).toMatch(
      /\n {2}timezone: "Europe\/Londn" is not an IANA time zone \(did you mean "Europe\/London"\?\)/,
    );
    expect(message).toMatch(
      /digests\.sales\.timezone: "America\/NewYork" is not an IANA time zone \(did you mean "America\/New_York"\?\)/,
    );
    expect(message).not.toMatch(/Invalid time zone specified/);
  });

  it("accepts the time zones node-cron accepts, including UTC, which Intl does not list as canonical", () => {
    expect(problemsIn("timezone: UTC")).toBe("");
    expect(problemsIn("timezone: Asia/Kolkata")).toBe("");
  });

  it("names the digest whose cron expression node-cron would refuse", () => {
    const message = problemsIn(...twoChannels, "digests:", "  standup: { cron: '0 9 * *', channels: [engineering] }");
    expect(message).toMatch(/digests\.standup\.cron: "0 9 \* \*" is not a valid cron expression; use 5 fields/);
    expect(problemsIn(...twoChannels, "digests:", "  standup: { cron: '61 9 * * *' }")).toMatch(
      /digests\.standup\.cron/,
    );
  });

  it("refuses two people with the same id or the same Slack id", () => {
    const message = problemsIn(
      "users:",
      "  - { id: kim, name: Kim Lee, slack: U1 }",
      "  - { id: kim, name: Kim Other }",
      "  - { id: jo, name: Jo Park, slack: U1 }",
    );
    expect(message).toMatch(/users\[1\]\.id: "kim" is also users\[0\]\.id/);
    expect(message).toMatch(/users\[2\]\.slack: "U1" is also users\[0\]\.slack/);
  });

  it("asks for quotes around an id that YAML read as a number", () => {
    expect(problemsIn("users:", "  - { id: kim, name: Kim, crmOwnerId: 12345678 }")).toMatch(
      /users\[0\]\.crmOwnerId: must be text; put it in quotes: "12345678"/,
    );
  });

  it("lists every problem at once, with their count, rather than the first one only", () => {
    const message = problemsIn(
      "timezone: Europe/Londn",
      "users:",
      "  - { id: kim, name: Kim, roles: [financ] }",
      "  - { id: jo }",
      "digests:",
      "  close: { cron: '0 18 * * *', channels: [finance] }",
      "consoleUser: alex",
      "colour: blue",
    );
    expect(message).toMatch(/^Invalid configuration in DAYBOOK_CONFIG \(org\.yaml\) \(6 problems\):/);
    for (const field of [
      "timezone",
      "users[0].roles[0]",
      "users[1].name",
      "digests.close.channels[0]",
      "consoleUser",
      "(top level)",
    ]) {
      expect(message).toContain(`\n  ${field}: `);
    }
    expect(message).toMatch(/daybook\.example\.yaml/);
  });

  it("says a file is not valid YAML, with the line, rather than that it cannot be read", () => {
    const message = problemsIn("users: [", "  - id: kim");
    expect(message).toMatch(/DAYBOOK_CONFIG \(org\.yaml\) is not valid YAML: .*line \d+/);
    expect(message).not.toMatch(/cannot read/);
  });
});

describe("the console's default identity", () => {
  const consoleUserOf = (...lines: string[]) =>
    loadConfig({ DAYBOOK_CONFIG: "org.yaml" }, { readFile: () => lines.join("\n") }).org.consoleUser;

  it("is the first admin when consoleUser is left out", () => {
    expect(
      consoleUserOf(
        "users:",
        "  - { id: jo, name: Jo, roles: [sales, finance] }",
        "  - { id: kim, name: Kim, roles: [admin] }",
      ),
    ).toBe("kim");
  });

  it("is the first person holding the most roles when nobody is an admin", () => {
    expect(
      consoleUserOf(
        "users:",
        "  - { id: jo, name: Jo, roles: [sales] }",
        "  - { id: kim, name: Kim, roles: [sales, finance] }",
        "  - { id: lee, name: Lee, roles: [engineering, success] }",
      ),
    ).toBe("kim");
    expect(consoleUserOf("users:", "  - { id: jo, name: Jo }", "  - { id: kim, name: Kim }")).toBe("jo");
  });

  it("is nobody when no users are configured, never a person from the demo", () => {
    expect(consoleUserOf("organisation: Empty Ltd")).toBeUndefined();
  });
});

describe("the shipped configurations", () => {
  it("keeps the embedded demo organisation valid under the same checks as a file", () => {
    expect(orgSchema.parse(demoOrg)).toEqual(demoOrg);
  });

  it("loads daybook.example.yaml through the real loader with every section filled in", () => {
    const config = loadConfig({ DAYBOOK_CONFIG: "daybook.example.yaml" });
    const { org } = config;
    expect(config.orgSource).toBe("daybook.example.yaml");
    expect(Object.keys(org.digests).sort()).toEqual(["churn", "close", "qbr", "sales", "standup", "weekly"]);
    expect(Object.keys(org.approvals).sort()).toEqual([
      "accounting_approve_invoice",
      "accounting_reject_invoice",
      "crm_log_activity",
      "crm_update_deal_stage",
      "default",
      "jira_add_comment",
      "jira_create_issue",
    ]);
    expect(
      org.users.some((u) => u.slack) && org.users.some((u) => u.teams) && org.users.some((u) => u.crmOwnerId),
    ).toBe(true);
    expect(Object.values(org.digests).every((d) => d.channels.length > 0 && d.cron)).toBe(true);
    expect(org.users.map((u) => u.id)).toContain(org.consoleUser);
  });

  it("keeps the field reference in docs/configuration.md a valid config", () => {
    const yaml = readFileSync("docs/configuration.md", "utf8").match(/## Fields\n\n```yaml\n([\s\S]*?)```/)?.[1];
    expect(yaml).toBeDefined();
    expect(loadConfig({ DAYBOOK_CONFIG: "docs.yaml" }, { readFile: () => yaml ?? "" }).org.consoleUser).toBe("kim");
  });

  it("uses generic people and company names in daybook.example.yaml, not the demo organisation's", () => {
    const text = readFileSync("daybook.example.yaml", "utf8");
    const demoNames = [
      "Northwind",
      ...demoOrg.users.flatMap((u) => u.name.split(" ")),
      "Acme",
      "TechStart",
      "BrightTech",
      "DataFlow",
    ];
    for (const name of demoNames) expect(text).not.toMatch(new RegExp(`\\b${name}\\b`, "i"));
  });
});

describe("environment variables that say what is wrong", () => {
  it("names the variable and a fix for every variable that can refuse a value", () => {
    const refused: string[] = [];
    for (const key of Object.keys(envSchema.shape)) {
      let message = "";
      try {
        loadConfig({ [key]: "%not-valid%" });
      } catch (error) {
        message = (error as Error).message;
      }
      if (!message) continue;
      refused.push(key);
      expect(message).toMatch(new RegExp(`(^|\\n  )${key}: .+\\. Fix: `));
    }
    // The check above must have something to check.
    expect(refused).toEqual(
      expect.arrayContaining(["PORT", "NODE_ENV", "REDIS_URL", "SLACK_SOCKET_MODE", "JIRA_BASE_URL"]),
    );
  });

  it("refuses a URL without an http(s) scheme, such as localhost:8080", () => {
    expect(() => loadConfig({ OPENAI_BASE_URL: "localhost:8080" })).toThrow(
      /OPENAI_BASE_URL: must be an absolute http\(s\) URL/,
    );
  });

  it("names a mistyped DAYBOOK_ variable instead of silently starting the demo", () => {
    expect(() => loadConfig({ DAYBOOK_CONFG: "org.yaml" })).toThrow(
      /DAYBOOK_CONFG: not a daybook variable \(did you mean "DAYBOOK_CONFIG"\?\)\. Fix: /,
    );
  });
});
