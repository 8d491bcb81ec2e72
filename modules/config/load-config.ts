import { ConfigProblem, ConfigSection, crossFieldProblems } from "./cross-field-rules";
import { unsafeStructureProblems } from "./dangerous-keys";
import { formatPath } from "./format-path";
import { configSchema, ParsedConfig } from "./schema";
import { isNearLeftOut, parseSection } from "./section-parse";
import { readYamlFile } from "./yaml-file";

export { formatPath };

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

/**
 * Every problem of configuration data, in one list: unsafe keys and nesting, then the schema section by section,
 * then every cross-field rule whose sections are usable (a section with schema problems is salvaged by leaving
 * the bad fields out, and findings next to what was left out are not reported twice).
 */
export function configProblems(data: unknown): { problems: ConfigProblem[]; config?: ParsedConfig } {
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    const got = Array.isArray(data) ? "a list" : data === null || data === undefined ? "nothing" : `a ${typeof data}`;
    return { problems: [{ path: "", message: `expected a mapping of configuration fields at the top level, got ${got}` }] };
  }
  const unsafe = unsafeStructureProblems(data);
  const record = data as Record<string, unknown>;
  const shape = configSchema.shape;
  const knownKeys = Object.keys(shape);
  const unknownKeys = Object.keys(record).filter((key) => !knownKeys.includes(key) && !unsafe.some((p) => p.path === key));
  const problems: ConfigProblem[] = [...unsafe];
  for (const key of unknownKeys) problems.push({ path: key, message: `unknown field (the configuration's fields are ${knownKeys.join(", ")})` });

  const parsed: Record<string, unknown> = {};
  const available = new Set<ConfigSection>();
  const leftOut: string[] = unsafe.map((p) => p.path);
  for (const key of knownKeys) {
    const section = parseSection(key, shape[key as keyof typeof shape], Object.hasOwn(record, key) ? record[key] : undefined);
    problems.push(...section.problems.filter((p) => !unsafe.some((u) => isNearLeftOut(p.path, u.path))));
    leftOut.push(...section.leftOut);
    if (section.value !== undefined) {
      parsed[key] = section.value;
      available.add(key as ConfigSection);
    }
  }
  const config = parsed as ParsedConfig;
  const ruleProblems = crossFieldProblems(config, available).filter((p) => !leftOut.some((path) => isNearLeftOut(p.path, path)));
  problems.push(...ruleProblems);
  return problems.length === 0 ? { problems, config } : { problems };
}

/**
 * Validates configuration data (as parsed from YAML or JSON). Throws a ConfigError listing every problem;
 * `source` names where the data came from in that message.
 */
export function parseConfig(data: unknown, source = "(inline)"): SnapshotDrConfig {
  const { problems, config } = configProblems(data);
  if (!config) throw new ConfigError(source, problems);
  return config;
}

/** Reads, parses and validates a YAML (or JSON) configuration file. */
export function loadConfig(file: string): SnapshotDrConfig {
  const read = readYamlFile(file);
  if (read.problems) throw new ConfigError(`in ${file}`, read.problems);
  return parseConfig(read.data, `in ${file}`);
}
