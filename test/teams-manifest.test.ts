import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { buildTeamsPackage, configuredManifest } from "../manifest/teams/package.ts";
import { decodePng, pngSize } from "../manifest/teams/png.ts";
import { botIdPlaceholder, validateTeamsApp } from "../manifest/teams/validate.ts";
import { loadTeamsPackageConfig } from "../src/config/teams-package.ts";
import { DaybookError } from "../src/core/errors.ts";

const dir = new URL("../manifest/teams/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir));
const manifest = () => JSON.parse(read("manifest.json").toString("utf8")) as Record<string, unknown>;
const icons = () => ({ color: read("color.png"), outline: read("outline.png") });

describe("Teams app manifest", () => {
  const temp: string[] = [];
  afterEach(() => {
    for (const path of temp.splice(0)) rmSync(path, { recursive: true, force: true });
  });

  it("validates against the schema bundled in @microsoft/app-manifest", async () => {
    expect(await validateTeamsApp(manifest(), icons())).toEqual([]);
  });

  it("reports schema errors instead of passing anything", async () => {
    const broken = { ...manifest(), accentColor: "blue" };
    delete (broken as { name?: unknown }).name;
    const errors = await validateTeamsApp(broken, icons());
    expect(errors.join("\n")).toMatch(/name/);
    expect(errors.join("\n")).toMatch(/accentColor/);
  });

  it("declares one bot for personal, team and group chat scopes with a command list", () => {
    const bots = manifest().bots as {
      botId: string;
      scopes: string[];
      commandLists: { commands: { title: string }[] }[];
    }[];
    expect(bots).toHaveLength(1);
    expect(bots[0]?.botId).toBe(botIdPlaceholder);
    expect([...(bots[0]?.scopes ?? [])].sort()).toEqual(["groupChat", "personal", "team"]);
    const titles = bots[0]?.commandLists.flatMap((l) => l.commands.map((c) => c.title)) ?? [];
    expect(titles).toContain("help");
    // Teams truncates command titles past 32 characters in the command menu.
    for (const title of titles) expect(title.length).toBeLessThanOrEqual(32);
  });

  it("ships a 192x192 color icon and a 32x32 white-on-transparent outline icon", () => {
    expect(pngSize(icons().color)).toEqual({ width: 192, height: 192 });
    const outline = decodePng(icons().outline);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let transparent = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const [r, g, b, a] = outline.pixels.subarray(i, i + 4);
      if (a === 0) transparent++;
      else expect([r, g, b]).toEqual([255, 255, 255]);
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.3);
  });

  it("rejects icons of the wrong size", async () => {
    const { color } = icons();
    const errors = await validateTeamsApp(manifest(), { color, outline: color });
    expect(errors).toContain("outline icon is 192x192, Teams needs 32x32");
  });

  const appId = "12345678-aaaa-bbbb-cccc-1234567890ab";
  const configured = (env: Record<string, string> = {}) =>
    loadTeamsPackageConfig({ MICROSOFT_APP_ID: appId, DAYBOOK_PUBLIC_URL: "https://bot.acme.test/", ...env });

  it("packages a zip whose bot id, links, domains and webApplicationInfo come from configuration", async () => {
    const out = mkdtempSync(join(tmpdir(), "daybook-teams-"));
    temp.push(out);
    const { outFile } = await buildTeamsPackage(configured(), { outFile: join(out, "app.zip") });
    const files = unzipSync(readFileSync(outFile));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const packaged = JSON.parse(new TextDecoder().decode(files["manifest.json"])) as Record<string, unknown> & {
      bots: { botId: string }[];
    };
    expect(packaged.bots[0]?.botId).toBe(appId);
    expect(packaged.developer).toMatchObject({
      websiteUrl: "https://bot.acme.test",
      privacyUrl: "https://bot.acme.test/privacy",
      termsOfUseUrl: "https://bot.acme.test/terms",
    });
    expect(packaged.validDomains).toEqual(["bot.acme.test"]);
    expect(packaged.webApplicationInfo).toEqual({ id: appId, resource: `api://bot.acme.test/${appId}` });
    expect(JSON.stringify(packaged)).not.toMatch(/example\.com|00000000-0000/);
    expect(await validateTeamsApp(packaged, { color: files["color.png"]!, outline: files["outline.png"]! })).toEqual(
      [],
    );
  });

  it.each([
    ["https://daybook.other-org.test", "daybook.other-org.test"],
    ["https://bots.example.org:8443/daybook", "bots.example.org:8443"],
  ])("builds the links and the resource from DAYBOOK_PUBLIC_URL=%s", (url, domain) => {
    const manifest = configuredManifest(
      configured({
        DAYBOOK_PUBLIC_URL: url,
        TEAMS_PRIVACY_URL: "https://legal.other.test/p",
        TEAMS_APP_VERSION: "1.2.3",
      }),
    );
    expect(manifest.validDomains).toEqual([domain]);
    expect(manifest.webApplicationInfo).toEqual({ id: appId, resource: `api://${domain}/${appId}` });
    expect(manifest.developer).toMatchObject({
      websiteUrl: url,
      privacyUrl: "https://legal.other.test/p",
      termsOfUseUrl: `${url}/terms`,
    });
    expect(manifest.version).toBe("1.2.3");
  });

  it("refuses to package without a real app id, naming MICROSOFT_APP_ID and the fix", () => {
    expect(() => configured({ MICROSOFT_APP_ID: "" })).toThrow(
      /MICROSOFT_APP_ID: is required\. Fix: copy the Microsoft App ID/,
    );
    expect(() => configured({ MICROSOFT_APP_ID: "daybook" })).toThrow(
      /MICROSOFT_APP_ID: must be the Azure Bot's app id/,
    );
  });

  it.each([
    ["", /DAYBOOK_PUBLIC_URL: is required\. Fix: set DAYBOOK_PUBLIC_URL to the https address/],
    ["http://bot.acme.test", /DAYBOOK_PUBLIC_URL: must be an absolute https URL\. Fix: set DAYBOOK_PUBLIC_URL/],
    ["bot.acme.test", /DAYBOOK_PUBLIC_URL: must be an absolute https URL/],
    ["https://bot.acme.test/?x=1", /DAYBOOK_PUBLIC_URL: must be a plain address/],
  ])("refuses DAYBOOK_PUBLIC_URL=%j with an error naming the variable and the fix", (url, message) => {
    let error: unknown;
    try {
      configured({ DAYBOOK_PUBLIC_URL: url });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DaybookError);
    expect((error as DaybookError).code).toBe("config_invalid");
    expect((error as DaybookError).message).toMatch(message);
  });
});
