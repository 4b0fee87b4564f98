/**
 * "Write a user story for ..." with the offline model (issue 16, item 5): it cannot write
 * prose, so it must not invent a story or request a write; it says what it needs.
 */
import { describe, expect, it } from "vitest";
import { createWorld, type OrgName } from "./eval/world.ts";

const engineer = { demo: "david", second: "jonas" } as const;
const at = "2026-11-23T09:00:00Z";

for (const org of ["demo", "second"] as OrgName[]) {
  describe(`a user story asked offline on the ${org} organisation`, () => {
    it("answers with a marked skeleton holding only the request's words, and requests no write, for 'write a user story for password reset via email'", async () => {
      const world = await createWorld(org, at);
      const reply = await world.say(
        engineer[org],
        `story-${Math.random().toString(36).slice(2)}`,
        "write a user story for password reset via email",
      );
      expect(reply.text).toMatch(/^I can't write a user story without the language model/);
      expect(reply.text).toContain("Summary: password reset via email");
      expect(reply.text).toContain("As a <role>, I want <goal> so that <benefit>.");
      expect(reply.text).toContain("Given <context>, when <action>, then <outcome>.");
      expect(reply.text).not.toMatch(/\b[A-Z]+-\d+\b/);
      expect(JSON.stringify(reply.posted)).not.toMatch(/approve/i);
    });
  });
}
