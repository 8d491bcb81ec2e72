/**
 * What every configuration must end in: rejected with a ConfigError whose every problem names its path, or
 * accepted, built without a construct throwing or a validation failing, and (when asked) synthesized into
 * output that passes the project's own AWS-limit checks. Rejection never touches the output directory.
 */
import * as fs from "fs";
import * as path from "path";
import { MAX_RESOURCE_OWN_TAGS, MAX_TAGS_PER_RESOURCE } from "../../../modules/config/aws-limits";
import { configSchema } from "../../../modules/config/schema";
import { ConfigError, loadConfig } from "../../../modules/config/load-config";
import type { IamCatalog } from "../../../modules/policy-lint/lint-policies";
import { readSynthesizedStacks } from "../../../modules/policy-lint/lint-policies";
import { buildApp } from "../../../stacks/snapshot-dr-app";
import { synthesize, SynthValidationError, validationProblems } from "../../../stacks/synthesize";

/** Problems about the file as a whole, which have no field to name. */
const FILE_LEVEL = [/^cannot read the configuration/, /^the configuration is empty/, /^expected a mapping of configuration fields/, /^YAML error: /];

export type Outcome = { readonly kind: "rejected"; readonly problems: readonly string[] } | { readonly kind: "accepted"; readonly synthesized: boolean };

/** A broken promise: the message says which and shows the input's problem. */
export class PropertyViolation extends Error {}

function checkProblems(error: ConfigError, data: unknown, text: string): string[] {
  if (error.problems.length === 0) throw new PropertyViolation("a ConfigError without problems");
  const topLevel = new Set([...Object.keys(configSchema.shape), ...(data && typeof data === "object" ? Object.keys(data) : [])]);
  return error.problems.map((problem) => {
    const line = `${problem.path}: ${problem.message}`;
    if (!problem.message.trim()) throw new PropertyViolation(`a problem without a message at '${problem.path}'`);
    if (problem.path === "") {
      if (!FILE_LEVEL.some((pattern) => pattern.test(problem.message))) throw new PropertyViolation(`a problem without a path: ${problem.message}`);
    } else if (!/^line \d+(, column \d+)?$/.test(problem.path) && !topLevel.has(problem.path.split(/[.[]/)[0]) && !text.includes(problem.path.split(/[.[]/)[0])) {
      throw new PropertyViolation(`a problem whose path names no field of the configuration: ${line}`);
    }
    if (line.includes("\n    at ")) throw new PropertyViolation(`a stack trace in a problem: ${line}`);
    return line;
  });
}

/** Tags per resource in synthesized stacks: the provider's default tags plus the resource's own. */
export function tagLimitFindings(outdir: string): string[] {
  const findings: string[] = [];
  for (const stack of readSynthesizedStacks(outdir)) {
    const json = stack.json as { provider?: { aws?: { default_tags?: { tags?: Record<string, string> }[] }[] }; resource?: Record<string, Record<string, { tags?: Record<string, string> }>> };
    const defaults = Math.max(0, ...(json.provider?.aws ?? []).map((provider) => Object.keys(provider.default_tags?.[0]?.tags ?? {}).length));
    for (const [type, resources] of Object.entries(json.resource ?? {})) {
      for (const [name, resource] of Object.entries(resources)) {
        const own = Object.keys(resource.tags ?? {}).length;
        if (own > MAX_RESOURCE_OWN_TAGS) findings.push(`${stack.name} ${type}.${name} sets ${own} tags itself, more than MAX_RESOURCE_OWN_TAGS (${MAX_RESOURCE_OWN_TAGS})`);
        if (defaults + own > MAX_TAGS_PER_RESOURCE) findings.push(`${stack.name} ${type}.${name} carries ${defaults + own} tags, over ${MAX_TAGS_PER_RESOURCE}`);
      }
    }
  }
  return findings;
}

export interface OutcomeOptions {
  /** Build the stacks of an accepted configuration (the constructors' checks run). */
  readonly build: boolean;
  /**
   * The output directory, holding a previous output (writeSentinel) that a rejection must leave as it is; an
   * accepted configuration is synthesized into it (all or nothing, with the policy lint) when `synthesize` is set.
   */
  readonly synthesizeInto?: string;
  readonly synthesize?: boolean;
  readonly policyCatalog?: IamCatalog;
}

const SENTINEL = "sentinel-previous-output";

/** Writes a previous output into `outdir` that a rejected configuration must leave as it is. */
export function writeSentinel(outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(path.join(outdir, "stacks", SENTINEL), { recursive: true });
  fs.writeFileSync(path.join(outdir, "stacks", SENTINEL, "cdk.tf.json"), "{}");
}

const sentinelIntact = (outdir: string) =>
  fs.readdirSync(path.join(outdir, "stacks")).join() === SENTINEL && fs.readFileSync(path.join(outdir, "stacks", SENTINEL, "cdk.tf.json"), "utf8") === "{}";

/** Runs one configuration file the way `main.ts` does, and checks the promise. Throws PropertyViolation when broken. */
export function outcomeOf(file: string, data: unknown, options: OutcomeOptions): Outcome {
  let config;
  try {
    config = loadConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) {
      const problems = checkProblems(error, data, fs.readFileSync(file, "utf8"));
      if (options.synthesizeInto && !sentinelIntact(options.synthesizeInto)) throw new PropertyViolation("a rejected configuration changed the output directory");
      return { kind: "rejected", problems };
    }
    throw new PropertyViolation(`loading threw ${(error as Error)?.name}: ${(error as Error)?.stack ?? String(error)}`);
  }
  if (options.synthesizeInto && options.synthesize) {
    try {
      synthesize(config, options.synthesizeInto, options.policyCatalog ? { policyCatalog: options.policyCatalog } : {});
    } catch (error) {
      if (error instanceof SynthValidationError) throw new PropertyViolation(`an accepted configuration failed synthesis: ${error.message}`);
      throw new PropertyViolation(`synthesis of an accepted configuration threw ${(error as Error)?.stack ?? String(error)}`);
    }
    const findings = tagLimitFindings(options.synthesizeInto);
    if (findings.length > 0) throw new PropertyViolation(`AWS limits broken in the output: ${findings.join("; ")}`);
    return { kind: "accepted", synthesized: true };
  }
  if (options.build) {
    let problems: string[];
    try {
      problems = validationProblems(buildApp(config, { outdir: path.join(path.dirname(file), "unused-outdir") }));
    } catch (error) {
      throw new PropertyViolation(`building an accepted configuration threw ${(error as Error)?.stack ?? String(error)}`);
    }
    if (problems.length > 0) throw new PropertyViolation(`construct validations failed on an accepted configuration: ${problems.join("; ")}`);
  }
  return { kind: "accepted", synthesized: false };
}
