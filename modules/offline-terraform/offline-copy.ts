import * as fs from "fs";
import * as path from "path";
import { EXAMPLE_ACCOUNT_GUARD_VARIABLE } from "../stack/example-account-guard";

/**
 * Offline copies of synthesized stacks: the copy's AWS providers get fake static credentials (no role to
 * assume, no account lookup) and the local backend; the synthesized original is only read.
 */

/** Set on every `provider.aws[]` entry of an offline copy. */
export const FAKE_PROVIDER_SETTINGS: Readonly<Record<string, string | boolean>> = Object.freeze({
  access_key: "AKIAFAKEFAKEFAKE",
  secret_key: "fake",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: "true",
});

/**
 * Removed from every `provider.aws[]` entry of an offline copy: the role to assume and the account guard
 * (which cannot be checked without an account lookup), and any other credential source that would win
 * over, or conflict with, the fake static keys.
 */
export const REMOVED_PROVIDER_SETTINGS: readonly string[] = Object.freeze([
  "assume_role",
  "assume_role_with_web_identity",
  "allowed_account_ids",
  "forbidden_account_ids",
  "profile",
  "shared_config_files",
  "shared_credentials_files",
  "token",
]);

/** What Terraform keeps in a working directory; never copied from a synthesized stack. */
const TERRAFORM_WORKING_FILES = new Set([".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup", "plan.bin"]);


/** A JSON object of a synthesized stack (`cdk.tf.json`). */
export type JsonObject = { [key: string]: any };

/** The parts of a synthesized `cdk.tf.json` the harness reads or changes. */
export interface TerraformJson extends JsonObject {
  provider?: Record<string, JsonObject | JsonObject[]>;
  terraform?: JsonObject;
  resource?: Record<string, Record<string, JsonObject>>;
  data?: Record<string, Record<string, JsonObject>>;
}

/** Changes a stack copy's JSON after the offline rewrite (e.g. to break it on purpose); may return a replacement. */
export type StackJsonHook = (json: TerraformJson, stack: string) => TerraformJson | void;

/**
 * The offline form of a synthesized stack (a new object; the argument is not changed): every `provider.aws`
 * entry loses {@link REMOVED_PROVIDER_SETTINGS} and gets {@link FAKE_PROVIDER_SETTINGS}; `terraform.backend`
 * and `terraform.cloud` are removed so the local default backend is used, and the example account guard
 * (whose purpose is to fail every plan of the example's made-up accounts) is left out: an offline plan
 * deploys nothing. `required_providers` is kept as synthesized: a constraint the mirror cannot satisfy is a
 * finding, not something to paper over.
 */
export function offlineStackJson(original: TerraformJson): TerraformJson {
  const json = structuredClone(original) as TerraformJson;
  const aws = json.provider?.aws;
  if (aws !== undefined) {
    const entries = Array.isArray(aws) ? aws : [aws];
    for (const entry of entries) {
      for (const key of REMOVED_PROVIDER_SETTINGS) delete entry[key];
      Object.assign(entry, FAKE_PROVIDER_SETTINGS);
    }
  }
  if (json.terraform) {
    delete json.terraform.backend;
    delete json.terraform.cloud;
  }
  if (json.variable) {
    delete json.variable[EXAMPLE_ACCOUNT_GUARD_VARIABLE];
    if (Object.keys(json.variable).length === 0) delete json.variable;
  }
  return json;
}

/**
 * For a validation only: the stack without its provider configurations, every resource and data source on the
 * default `aws` provider (a {@link StackJsonHook}). Validation starts the provider once per configuration, about a
 * second of CPU each, and checks every resource's arguments against the same schema whichever configuration it
 * uses. What it no longer checks, the provider blocks and that each resource's alias exists, a plan of the same
 * kind of stack with its providers does.
 */
export function withOneProvider(json: TerraformJson): TerraformJson {
  delete json.provider;
  for (const blocks of [json.resource, json.data]) {
    for (const byName of Object.values(blocks ?? {})) for (const body of Object.values(byName)) delete body.provider;
  }
  return json;
}

/**
 * Copies a synthesized stack directory (assets included, Terraform working files excluded) to `target`
 * and rewrites the copy's `cdk.tf.json` with {@link offlineStackJson}, then `mutate` if given.
 * The synthesized original is only read.
 */
export function makeOfflineCopy(stackDir: string, target: string, options: { stack?: string; mutate?: StackJsonHook } = {}): string {
  const source = path.resolve(stackDir);
  const stackFile = path.join(source, "cdk.tf.json");
  if (!fs.existsSync(stackFile)) throw new Error(`${source} is not a synthesized stack: no cdk.tf.json`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source)) {
    if (TERRAFORM_WORKING_FILES.has(entry) || entry.endsWith(".tfstate")) continue;
    fs.cpSync(path.join(source, entry), path.join(target, entry), { recursive: true, dereference: true });
  }
  const stack = options.stack ?? path.basename(source);
  let json = offlineStackJson(JSON.parse(fs.readFileSync(stackFile, "utf8")) as TerraformJson);
  if (options.mutate) json = options.mutate(json, stack) ?? json;
  // Pretty-printed as synthesized, so that Terraform's diagnostics quote one readable line.
  fs.writeFileSync(path.join(target, "cdk.tf.json"), `${JSON.stringify(json, null, 2)}\n`);
  return target;
}

/** A synthesis into a directory of the harness's own. */
export interface SynthesizedApp {
  /** The cdktf output directory (holds manifest.json and stacks/). */
  readonly outdir: string;
  /** Stack names, as synthesized (DR stack first). */
  readonly stacks: readonly string[];
  /** The synthesized directory of a stack. */
  stackDir(stack: string): string;
}

/** The stacks of a cdktf output directory, from its manifest.json. */
export function readSynthesizedApp(outdir: string): SynthesizedApp {
  const root = path.resolve(outdir);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8")) as {
    stacks: Record<string, { workingDirectory: string }>;
  };
  const directories = new Map(Object.entries(manifest.stacks).map(([name, stack]) => [name, path.join(root, stack.workingDirectory)]));
  return {
    outdir: root,
    stacks: [...directories.keys()],
    stackDir(stack: string): string {
      const directory = directories.get(stack);
      if (!directory) throw new Error(`No stack ${stack} in ${root} (stacks: ${[...directories.keys()].join(", ")})`);
      return directory;
    },
  };
}
