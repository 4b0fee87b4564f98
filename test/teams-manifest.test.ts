import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { buildTeamsPackage } from "../manifest/teams/package.ts";
import { decodePng, pngSize } from "../manifest/teams/png.ts";
import { botIdPlaceholder, validateTeamsApp } from "../manifest/teams/validate.ts";

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

  it("packages a zip with the bot id filled in from MICROSOFT_APP_ID", async () => {
    const out = mkdtempSync(join(tmpdir(), "daybook-teams-"));
    temp.push(out);
    const appId = "12345678-aaaa-bbbb-cccc-1234567890ab";
    const { outFile } = await buildTeamsPackage({ appId, outFile: join(out, "app.zip") });
    const files = unzipSync(readFileSync(outFile));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const packaged = JSON.parse(new TextDecoder().decode(files["manifest.json"])) as { bots: { botId: string }[] };
    expect(packaged.bots[0]?.botId).toBe(appId);
    expect(
      await validateTeamsApp(packaged as unknown as Record<string, unknown>, {
        color: files["color.png"]!,
        outline: files["outline.png"]!,
      }),
    ).toEqual([]);
  });

  it("refuses to package without a real app id", async () => {
    await expect(buildTeamsPackage({ appId: "" })).rejects.toThrow(/MICROSOFT_APP_ID/);
  });
});
