import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";

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
    ).toThrow(/DAYBOOK_CONFIG \(org.json\)[\s\S]*users.0.name/);
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
