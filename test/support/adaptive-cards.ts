import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import draft6 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import addFormats from "ajv-formats";
import { expect } from "vitest";

const cardSchemaFile = JSON.parse(
  readFileSync(new URL("../specs/adaptive-cards/adaptive-card-1.5.json", import.meta.url), "utf8"),
) as { id: string } & Record<string, unknown>;
const { id: cardSchemaId, ...cardSchemaRest } = cardSchemaFile;
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft6);
addFormats.default(ajv);

/** Validates against test/specs/adaptive-cards/adaptive-card-1.5.json (draft-06, vendored). */
// Ajv 8 reads the schema's id from "$id"; the draft-06 file spells it "id".
export const validateAdaptiveCard = ajv.compile({ ...cardSchemaRest, $id: cardSchemaId });

export function expectValidAdaptiveCard(card: unknown): void {
  const ok = validateAdaptiveCard(card);
  expect(ok, JSON.stringify(validateAdaptiveCard.errors?.slice(0, 3))).toBe(true);
}
