import type { ZodIssue, ZodTypeAny } from "zod";
import type { ConfigProblem } from "./cross-field-rules";
import { formatPath } from "./format-path";

type PathPart = string | number;

/** One top-level section of the configuration, parsed on its own. */
export interface ParsedSection {
  /** The schema's problems with this section, with their full paths. */
  readonly problems: readonly ConfigProblem[];
  /**
   * The section's value as the rules may see it: the parsed data, or a salvaged parse in which the fields
   * with problems were left out (defaults applied); undefined when nothing usable is left.
   */
  readonly value?: unknown;
  /** Paths of the fields left out to salvage the section (rules' findings near them are not reported). */
  readonly leftOut: readonly string[];
}

const MAX_SALVAGE_ROUNDS = 25;

function zodProblem(issue: ZodIssue, prefix: readonly PathPart[]): ConfigProblem {
  const path = formatPath([...prefix, ...issue.path]);
  if (issue.code === "invalid_type" && issue.received === "undefined") return { path, message: "is required" };
  return { path, message: issue.message };
}

function deleteAt(root: { value: unknown }, path: readonly PathPart[]): void {
  if (path.length === 0) {
    root.value = undefined;
    return;
  }
  let node: unknown = root.value;
  for (const part of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<PathPart, unknown>)[part];
  }
  if (node !== null && typeof node === "object" && !Array.isArray(node)) delete (node as Record<PathPart, unknown>)[path[path.length - 1]];
}

/** The field to leave out for an issue: the nearest enclosing object field (array elements cannot be left out). */
function fieldToLeaveOut(path: readonly PathPart[], leftOut: ReadonlySet<string>): PathPart[] {
  let target = [...path];
  const trim = () => {
    while (target.length > 0 && typeof target[target.length - 1] === "number") target = target.slice(0, -1);
  };
  trim();
  // Leaving this field out already failed ("is required"): leave out what holds it.
  while (target.length > 0 && leftOut.has(JSON.stringify(target))) {
    target = target.slice(0, -1);
    trim();
  }
  return target;
}

/**
 * Parses one section with its schema and reports every problem; then, so that the rules can still run on the
 * rest, leaves out the fields with problems one by one (their defaults apply) until the section parses.
 * Unknown keys are dropped from the salvaged copy; they change nothing the rules read.
 */
export function parseSection(key: string, schema: ZodTypeAny, data: unknown): ParsedSection {
  const first = schema.safeParse(data);
  if (first.success) return { problems: [], value: first.data, leftOut: [] };
  const problems = first.error.issues.map((issue) => zodProblem(issue, [key]));

  const root = { value: structuredClone(data) as unknown };
  const leftOut = new Set<string>();
  let issues = first.error.issues;
  for (let round = 0; round < MAX_SALVAGE_ROUNDS; round++) {
    for (const issue of issues) {
      if (issue.code === "unrecognized_keys") {
        for (const unknownKey of issue.keys) deleteAt(root, [...issue.path, unknownKey]);
        continue;
      }
      const target = fieldToLeaveOut(issue.path, leftOut);
      if (target.length === 0 && leftOut.has("[]")) return { problems, leftOut: [formatPath([key])] };
      leftOut.add(JSON.stringify(target));
      deleteAt(root, target);
    }
    const again = schema.safeParse(root.value);
    if (again.success) {
      const paths = [...leftOut].map((text) => formatPath([key, ...(JSON.parse(text) as PathPart[])]));
      // A section replaced as a whole by its default is not what the user wrote: the rules skip it.
      return leftOut.has("[]") ? { problems, leftOut: paths } : { problems, value: again.data, leftOut: paths };
    }
    issues = again.error.issues;
  }
  return { problems, leftOut: [formatPath([key])] };
}

/** Whether `problemPath` is near a left-out field: the same field, inside it, around it, or beside it. */
export function isNearLeftOut(problemPath: string, leftOutPath: string): boolean {
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  if (within(problemPath, leftOutPath) || within(leftOutPath, problemPath)) return true;
  const parent = leftOutPath.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
  // Beside it: only below a section's top level (`sourceAccounts[0].ebs.mode` left out hides findings on
  // `sourceAccounts[0].ebs.kmsKeyArns`, but `ebs.retainCount` left out hides nothing else in `ebs`).
  return parent !== leftOutPath && /[.[]/.test(parent) && within(problemPath, parent);
}
