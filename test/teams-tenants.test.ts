import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoOrg } from "../src/config/demo-org.ts";
import { loadConfig } from "../src/config/load.ts";
import { redisSkipReason } from "./support/redis.ts";
import { startWholeApp, type WholeApp } from "./support/whole-app.ts";
import { settle, until } from "./whole-app/drive.ts";

const tenantNorth = "3f1c2a9e-0000-4000-8000-00000000a001";
const tenantSouth = "3f1c2a9e-0000-4000-8000-00000000a002";
const tenantOutside = "3f1c2a9e-0000-4000-8000-00000000a0ff";

describe("MICROSOFT_ALLOWED_TENANTS", () => {
  it("reads a comma-separated list, ignoring spaces, repeats and a trailing comma", () => {
    const { env } = loadConfig({ MICROSOFT_ALLOWED_TENANTS: ` ${tenantNorth}, ${tenantSouth},${tenantNorth},` });
    expect(env.MICROSOFT_ALLOWED_TENANTS).toEqual([tenantNorth, tenantSouth]);
  });

  it("refuses an entry that is not a tenant id, naming the variable and the fix", () => {
    expect(() => loadConfig({ MICROSOFT_ALLOWED_TENANTS: `${tenantNorth},contoso.com/x` })).toThrow(
      /MICROSOFT_ALLOWED_TENANTS: must be tenant ids \(letters, digits and dashes\) separated by commas\. Fix: set MICROSOFT_ALLOWED_TENANTS/,
    );
    expect(() => loadConfig({ MICROSOFT_ALLOWED_TENANTS: " , " })).toThrow(/MICROSOFT_ALLOWED_TENANTS/);
  });

  it("is refused for a single-tenant bot, which serves MICROSOFT_APP_TENANT_ID alone", () => {
    expect(() =>
      loadConfig({
        MICROSOFT_APP_TYPE: "SingleTenant",
        MICROSOFT_APP_TENANT_ID: tenantNorth,
        MICROSOFT_ALLOWED_TENANTS: tenantSouth,
      }),
    ).toThrow(
      /MICROSOFT_ALLOWED_TENANTS: only for MICROSOFT_APP_TYPE=MultiTenant.*Fix: unset MICROSOFT_ALLOWED_TENANTS/,
    );
  });
});

describe.skipIf(redisSkipReason !== undefined)(
  "a multi-tenant Teams bot with a tenant allow-list, over real sockets",
  () => {
    let w: WholeApp;
    beforeAll(async () => {
      w = await startWholeApp({
        org: demoOrg,
        env: { MICROSOFT_ALLOWED_TENANTS: `${tenantNorth},${tenantSouth}` },
        teamsAppId: "00000000-0000-0000-0000-0000000000d4",
      });
    });
    afterAll(async () => {
      await w?.close();
    });

    function personalMessage(id: string, tenant: string, conversation: string, channelTenant = tenant) {
      return {
        type: "message",
        id,
        channelId: "msteams",
        serviceUrl: `${w.connector.url}/`,
        text: "what's blocking the sprint?",
        from: { id: "29:demo-alex", name: "Alex Rivera", aadObjectId: "aad-alex" },
        recipient: { id: `28:${w.teamsAuth.appId}`, name: "daybook" },
        conversation: { id: conversation, conversationType: "personal", tenantId: tenant },
        channelData: { tenant: { id: channelTenant } },
        timestamp: new Date().toISOString(),
      };
    }

    const replyIn = (conversation: string) =>
      w.connector.calls().find((c) => c.conversationId === conversation && c.activity.type === "message");

    it("answers each allowed tenant, with a validly signed token", async () => {
      for (const [tenant, conversation] of [
        [tenantNorth, "a:tenants-north"],
        [tenantSouth, "a:tenants-south"],
      ] as const) {
        const res = await w.teamsActivity(personalMessage(`in-${conversation}`, tenant, conversation));
        expect(res.status).toBeLessThan(300);
        const reply = await until(() => replyIn(conversation), 15_000, `the answer in ${conversation}`);
        expect(reply.authorization).toMatch(/^Bearer /);
      }
    });

    it("refuses a validly signed activity from a tenant not on the list with a 403, and posts nothing", async () => {
      const res = await w.teamsActivity(personalMessage("in-outside", tenantOutside, "a:tenants-outside"));
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: { code: "forbidden", message: "this Microsoft Entra tenant is not served by this bot" },
      });
      await settle(600);
      expect(w.connector.calls().filter((c) => c.conversationId === "a:tenants-outside")).toEqual([]);
    });

    it("refuses an activity whose two tenant fields disagree, even when one is allowed", async () => {
      const res = await w.teamsActivity(personalMessage("in-mixed", tenantNorth, "a:tenants-mixed", tenantOutside));
      expect(res.status).toBe(403);
      await settle(600);
      expect(replyIn("a:tenants-mixed")).toBeUndefined();
    });

    it("keeps refusing a token for another bot with a 401 before the tenant is looked at", async () => {
      const activity = personalMessage("in-wrong-aud", tenantNorth, "a:tenants-wrong-aud");
      const res = await fetch(`${w.url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...w.teamsAuth.headers(activity, { aud: "another-bot" }) },
        body: JSON.stringify(activity),
      });
      expect(res.status).toBe(401);
      expect(replyIn("a:tenants-wrong-aud")).toBeUndefined();
    });
  },
);
