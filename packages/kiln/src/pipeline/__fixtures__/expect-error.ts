import { expect } from "vitest";
import { KilnError } from "../../errors/index.js";

/** The KilnError `fn` throws; fails the test when it throws nothing or something else. */
export function thrown(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KilnError) return error;
    throw error;
  }
  return expect.unreachable("expected a KilnError to be thrown");
}
