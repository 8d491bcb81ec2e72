import { DANGEROUS_KEYS } from "./aws-limits";
import type { ConfigProblem } from "./cross-field-rules";
import { formatPath } from "./format-path";

/** Deeper than any configuration needs; deeper data is refused rather than walked. */
export const MAX_NESTING_DEPTH = 32;

/**
 * Keys that JavaScript treats specially (`__proto__`, `constructor`, `prototype`), anywhere in the data, and
 * nesting deeper than MAX_NESTING_DEPTH. zod's records silently drop a `__proto__` key; reporting it with its
 * path keeps a `__proto__: …` tag from vanishing out of a selection (which then selects every resource).
 */
export function unsafeStructureProblems(data: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (value === null || typeof value !== "object") return;
    if (path.length >= MAX_NESTING_DEPTH) {
      problems.push({ path: formatPath(path), message: `nested deeper than ${MAX_NESTING_DEPTH} levels; no configuration field is` });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...path, index]));
      return;
    }
    for (const key of Object.keys(value)) {
      if (DANGEROUS_KEYS.includes(key)) {
        problems.push({ path: formatPath([...path, key]), message: `the key '${key}' is not allowed (JavaScript reserves it; it would be dropped or misread)` });
        continue;
      }
      walk((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  walk(data, []);
  return problems;
}
