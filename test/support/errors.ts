import { expect } from "vitest";
import { DaybookError } from "../../src/core/errors.ts";

/** Awaits a promise that must reject with a DaybookError and returns that error. */
export async function caught(promise: Promise<unknown>): Promise<DaybookError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DaybookError);
    return error as DaybookError;
  }
  throw new Error("expected a rejection");
}
