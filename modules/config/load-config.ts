import * as fs from "fs";
import { LineCounter, parseDocument } from "yaml";
import type { ZodIssue } from "zod";
import { ConfigProblem, crossFieldProblems } from "./cross-field-rules";
import { configSchema, ParsedConfig } from "./schema";

/** A validated configuration: every field present (defaults applied) and every rule met. */
export type SnapshotDrConfig = ParsedConfig;

/** A configuration that cannot be used, with every problem found in it. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`Invalid configuration ${source}:\n${problems.map((p) => `  - ${p.path ? `${p.path}: ` : ""}${p.message}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `["sourceAccounts", 2, "id"]` → `sourceAccounts[2].id` */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part), "");
}

function zodProblem(issue: ZodIssue): ConfigProblem {
  if (issue.code === "invalid_type" && issue.received === "undefined") {
    return { path: formatPath(issue.path), message: "is required" };
  }
  return { path: formatPath(issue.path), message: issue.message };
}

/**
 * Validates configuration data (as parsed from YAML or JSON). Throws a ConfigError listing every problem;
 * `source` names where the data came from in that message.
 */
export function parseConfig(data: unknown, source = "(inline)"): SnapshotDrConfig {
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(source, parsed.error.issues.map(zodProblem));
  }
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return parsed.data;
}

/** Reads, parses and validates a YAML (or JSON) configuration file. */
export function loadConfig(file: string): SnapshotDrConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
    throw new ConfigError(`in ${file}`, [{ path: "", message: `cannot read the configuration: ${reason}` }]);
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    throw new ConfigError(
      `in ${file}`,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        const where = `line ${position.line}, column ${position.col}`;
        return { path: where, message: `YAML error: ${error.message.split("\n")[0]}` };
      }),
    );
  }
  return parseConfig(document.toJS(), `in ${file}`);
}
