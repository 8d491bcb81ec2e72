/** Test support: the problems a configuration is rejected with, as `path: message` lines. */
import { ConfigError, parseConfig } from "../../../modules/config/load-config";

export type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Validates a copy of `config` after `mutate`; the problems as `path: message` lines, empty when it is valid. */
export function problemsOf(config: object, mutate: (config: Mutable) => void): string[] {
  const copy = structuredClone(config) as Mutable;
  mutate(copy);
  try {
    parseConfig(copy);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => `${problem.path}: ${problem.message}`);
    throw error;
  }
  return [];
}
