import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { SnapshotDrConfig } from "../config/load-config";
import { synthesize } from "../../stacks/synthesize";
import { EXAMPLE_ACCOUNT_GUARD_VARIABLE } from "../stack/example-account-guard";
import { stackOfDiagnostic, writeCombinedRoot } from "./combined-root";

/**
 * Real Terraform in the loop, offline: synthesized stacks are copied, the copies' AWS providers are given
 * fake static credentials (no role to assume, no account lookup) and the local backend, and
 * `terraform init` / `validate` / `plan` run against a filesystem mirror of the AWS provider through a CLI
 * configuration written by the harness. Nothing here touches `cdktf.out/`, the synthesized originals or
 * the user's Terraform configuration.
 *
 * A plan can only succeed while nothing needs AWS: a data source that calls an API fails with the fake
 * credentials, and that failure is reported like any other (stack, step, Terraform's stderr).
 */

/** Where the AWS provider mirror is looked for when `TF_PROVIDER_MIRROR` is not set. */
export const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";
/** The provider the mirror must hold (and the only one installed from it). */
export const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";
/** Stacks run at a time unless told otherwise (`OFFLINE_TERRAFORM_PARALLELISM` or the option). */
export const DEFAULT_PARALLELISM = 2;
/** Longest a single terraform command may run before it is killed and reported as failed. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

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

/** Environment variables that could change what the harness runs; removed from every terraform run. */
const STRIPPED_ENV = /^(TF_CLI_ARGS(_.*)?|TF_DATA_DIR|TF_WORKSPACE|TF_PLUGIN_CACHE_DIR|TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE)$/;

// ---------------------------------------------------------------------------------------------------------
// Availability
// ---------------------------------------------------------------------------------------------------------

/** Whether terraform and the provider mirror are there, and if not, why not. */
export interface OfflineTerraformAvailability {
  readonly available: boolean;
  /** The terraform binary found (TERRAFORM_BINARY, else PATH). */
  readonly terraformBinary?: string;
  /** e.g. "1.11.4" */
  readonly terraformVersion?: string;
  /** The mirror directory looked at (TF_PROVIDER_MIRROR, else {@link DEFAULT_PROVIDER_MIRROR}). */
  readonly providerMirror: string;
  /** hashicorp/aws versions the mirror holds for this platform. */
  readonly mirrorAwsVersions: readonly string[];
  /** This machine's Terraform platform, e.g. linux_amd64. */
  readonly platform: string;
  /** Why it is not available (empty when it is). */
  readonly reasons: readonly string[];
  /** One line for humans. */
  readonly summary: string;
}

/** Where to look; each defaults to the environment. */
export interface LocateOptions {
  /** A terraform binary (path, or a name to look up on PATH). Default: env TERRAFORM_BINARY, else `terraform` on PATH. */
  readonly terraformBinary?: string;
  /** Default: env TF_PROVIDER_MIRROR, else {@link DEFAULT_PROVIDER_MIRROR}. */
  readonly providerMirror?: string;
  /** Default: process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Terraform's name for this machine's platform (linux_amd64, darwin_arm64, ...). */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const osName = platform === "win32" ? "windows" : platform;
  const archName = ({ x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" } as Record<string, string>)[arch] ?? arch;
  return `${osName}_${archName}`;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The terraform binary to use: `TERRAFORM_BINARY` (a path, or a name looked up on PATH) if set, else
 * `terraform` on PATH. `undefined` if there is none.
 */
export function findTerraformBinary(options: LocateOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const wanted = options.terraformBinary ?? (env.TERRAFORM_BINARY || "terraform");
  if (wanted.includes("/") || wanted.includes(path.sep)) {
    const resolved = path.resolve(wanted);
    return isExecutableFile(resolved) ? resolved : undefined;
  }
  const extensions = process.platform === "win32" ? (env.PATHEXT ?? ".EXE").split(";") : [""];
  for (const directory of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = path.join(directory, wanted + extension);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The provider mirror directory to use: the option, else `TF_PROVIDER_MIRROR`, else {@link DEFAULT_PROVIDER_MIRROR}. */
export function providerMirrorPath(options: LocateOptions = {}): string {
  const env = options.env ?? process.env;
  return path.resolve(options.providerMirror ?? (env.TF_PROVIDER_MIRROR || DEFAULT_PROVIDER_MIRROR));
}

/**
 * hashicorp/aws versions a filesystem mirror holds for a platform, in either layout Terraform reads:
 * unpacked (`<host>/<ns>/<type>/<version>/<platform>/terraform-provider-aws*`) or packed
 * (`<host>/<ns>/<type>/terraform-provider-aws_<version>_<platform>.zip`).
 */
export function mirrorProviderVersions(mirror: string, platform: string = terraformPlatform()): string[] {
  const providerDir = path.join(mirror, ...AWS_PROVIDER_ADDRESS.split("/"));
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(providerDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const versions = new Set<string>();
  for (const entry of entries) {
    if (entry.isDirectory()) {
      const platformDir = path.join(providerDir, entry.name, platform);
      try {
        if (fs.readdirSync(platformDir).some((file) => file.startsWith("terraform-provider-aws"))) versions.add(entry.name);
      } catch {
        // no build for this platform
      }
    } else {
      const packed = /^terraform-provider-aws_(.+)_([a-z0-9]+_[a-z0-9]+)\.zip$/.exec(entry.name);
      if (packed && packed[2] === platform) versions.add(packed[1]);
    }
  }
  return [...versions].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Whether terraform and the provider mirror are both there (and why not). Synchronous: usable at test-file load. */
export function offlineTerraformAvailability(options: LocateOptions = {}): OfflineTerraformAvailability {
  const env = options.env ?? process.env;
  const reasons: string[] = [];
  const platform = terraformPlatform();
  const terraformBinary = findTerraformBinary(options);
  let terraformVersion: string | undefined;
  if (!terraformBinary) {
    const wanted = options.terraformBinary ?? env.TERRAFORM_BINARY;
    reasons.push(wanted ? `terraform binary ${wanted} (TERRAFORM_BINARY) not found or not executable` : "terraform not found on PATH (set TERRAFORM_BINARY)");
  } else {
    try {
      const output = execFileSync(terraformBinary, ["version", "-json"], {
        encoding: "utf8",
        timeout: 30_000,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      });
      terraformVersion = (JSON.parse(output) as { terraform_version?: string }).terraform_version;
    } catch (error) {
      reasons.push(`${terraformBinary} version -json failed: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  const providerMirror = providerMirrorPath(options);
  const mirrorAwsVersions = mirrorProviderVersions(providerMirror, platform);
  if (!fs.existsSync(providerMirror)) {
    reasons.push(`provider mirror ${providerMirror} does not exist (set TF_PROVIDER_MIRROR)`);
  } else if (mirrorAwsVersions.length === 0) {
    reasons.push(`provider mirror ${providerMirror} holds no ${AWS_PROVIDER_ADDRESS} build for ${platform}`);
  }
  const available = reasons.length === 0;
  const summary = available
    ? `terraform ${terraformVersion ?? "?"} (${terraformBinary}) with ${AWS_PROVIDER_ADDRESS} ${mirrorAwsVersions.join(", ")} from ${providerMirror}`
    : `offline terraform unavailable: ${reasons.join("; ")}`;
  return { available, terraformBinary, terraformVersion, providerMirror, mirrorAwsVersions, platform, reasons, summary };
}

/** Thrown when a harness is asked for while terraform or the mirror is missing. */
export class OfflineTerraformUnavailableError extends Error {
  constructor(readonly availability: OfflineTerraformAvailability) {
    super(availability.summary);
    this.name = "OfflineTerraformUnavailableError";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Offline copies of synthesized stacks
// ---------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------
// Running terraform
// ---------------------------------------------------------------------------------------------------------

/** The steps of a stack's run, in order. */
export type TerraformStep = "copy" | "init" | "validate" | "plan" | "show";

/** One terraform command's outcome. */
export interface TerraformCommandOutcome {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** A diagnostic of `terraform validate -json`. */
export interface TerraformDiagnostic {
  readonly severity: "error" | "warning";
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { filename: string; start: { line: number; column: number }; end: { line: number; column: number } };
  readonly snippet?: { context?: string | null; code?: string; start_line?: number };
}

/** What `terraform validate -json` said. */
export interface ValidationResult {
  readonly valid: boolean;
  readonly errorCount: number;
  readonly warningCount: number;
  readonly diagnostics: readonly TerraformDiagnostic[];
}

/** `Plan: N to add, N to change, N to destroy.` counted from the plan's resource_changes, as Terraform counts. */
export interface PlanSummary {
  readonly toAdd: number;
  readonly toChange: number;
  readonly toDestroy: number;
  /** Replacements, each also counted in toAdd and toDestroy (as Terraform does). */
  readonly toReplace: number;
}

/** A resource of a plan's planned values. */
export interface PlannedResource {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly provider_name?: string;
  readonly values: JsonObject;
}

interface PlannedModule {
  readonly resources?: readonly PlannedResource[];
  readonly child_modules?: readonly PlannedModule[];
}

/** The parts of `terraform show -json <plan>` the harness reads (the rest is there too). */
export interface TerraformPlanJson extends JsonObject {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly planned_values?: { root_module?: PlannedModule };
  readonly resource_changes?: readonly { address: string; type: string; mode: string; change: { actions: readonly string[] } }[];
}

/** A stack's plan. */
export interface PlanResult {
  readonly summary: PlanSummary;
  /** `terraform show -json plan.bin`, parsed. */
  readonly json: TerraformPlanJson;
  /** `terraform show -no-color plan.bin` (absent when not asked for). */
  readonly text?: string;
}

/** Wall-clock milliseconds of each step that ran. */
export interface StepDurations {
  copy?: number;
  init?: number;
  validate?: number;
  plan?: number;
  /** Both `terraform show` runs. */
  show?: number;
  total: number;
}

/** A terraform command that failed, with everything terraform printed. */
export class TerraformCommandError extends Error {
  constructor(
    readonly stack: string,
    readonly step: TerraformStep,
    readonly outcome: TerraformCommandOutcome,
    /** validate's diagnostics, when the failing step was validate. */
    readonly diagnostics: readonly TerraformDiagnostic[] = [],
    reason?: string,
  ) {
    super(`Stack ${stack}: terraform ${step} failed (${reason ?? describeExit(outcome)})\n${terraformOutput(outcome, diagnostics)}`);
    this.name = "TerraformCommandError";
  }
}

function describeExit(outcome: TerraformCommandOutcome): string {
  if (outcome.timedOut) return `killed after ${Math.round(outcome.durationMs / 1000)} s`;
  if (outcome.signal) return `killed by ${outcome.signal}`;
  return `exit code ${outcome.exitCode}`;
}

/** A diagnostic as Terraform prints it (severity, summary, detail, where). */
export function formatDiagnostic(diagnostic: TerraformDiagnostic): string {
  const lines = [`${diagnostic.severity === "error" ? "Error" : "Warning"}: ${diagnostic.summary}`];
  const where: string[] = [];
  if (diagnostic.address) where.push(`with ${diagnostic.address}`);
  if (diagnostic.range) where.push(`on ${diagnostic.range.filename} line ${diagnostic.range.start.line}`);
  if (where.length > 0) lines.push(`  ${where.join(", ")}`);
  if (diagnostic.snippet?.code) lines.push(`  ${diagnostic.snippet.start_line ?? ""}: ${diagnostic.snippet.code.trim()}`);
  if (diagnostic.detail) lines.push(...diagnostic.detail.split("\n").map((line) => `  ${line}`));
  return lines.join("\n");
}

const MAX_STDOUT_IN_ERROR = 8000;

function terraformOutput(outcome: TerraformCommandOutcome, diagnostics: readonly TerraformDiagnostic[]): string {
  const parts: string[] = [];
  if (diagnostics.length > 0) parts.push(diagnostics.map(formatDiagnostic).join("\n\n"));
  if (outcome.stderr.trim()) parts.push(outcome.stderr.trim());
  if (parts.length === 0 && outcome.stdout.trim()) {
    const stdout = outcome.stdout.trim();
    parts.push(stdout.length > MAX_STDOUT_IN_ERROR ? `...${stdout.slice(-MAX_STDOUT_IN_ERROR)}` : stdout);
  }
  return parts.length > 0 ? parts.join("\n") : "(terraform printed nothing)";
}

/** Counts a plan's resource changes as Terraform's `Plan:` line does. */
export function summarizePlan(plan: Pick<TerraformPlanJson, "resource_changes">): PlanSummary {
  let toAdd = 0;
  let toChange = 0;
  let toDestroy = 0;
  let toReplace = 0;
  for (const change of plan.resource_changes ?? []) {
    const actions = change.change.actions;
    if (actions.includes("create") && actions.includes("delete")) {
      toReplace += 1;
      toAdd += 1;
      toDestroy += 1;
    } else if (actions.includes("create")) {
      toAdd += 1;
    } else if (actions.includes("update")) {
      toChange += 1;
    } else if (actions.includes("delete")) {
      toDestroy += 1;
    }
  }
  return { toAdd, toChange, toDestroy, toReplace };
}

/** `N to add, N to change, N to destroy` */
export function formatPlanSummary(summary: PlanSummary): string {
  return `${summary.toAdd} to add, ${summary.toChange} to change, ${summary.toDestroy} to destroy`;
}

/** Sum of plan summaries. */
export function addPlanSummaries(summaries: readonly PlanSummary[]): PlanSummary {
  return summaries.reduce<PlanSummary>(
    (total, s) => ({
      toAdd: total.toAdd + s.toAdd,
      toChange: total.toChange + s.toChange,
      toDestroy: total.toDestroy + s.toDestroy,
      toReplace: total.toReplace + s.toReplace,
    }),
    { toAdd: 0, toChange: 0, toDestroy: 0, toReplace: 0 },
  );
}

/** Every resource of a plan's planned values (child modules included), optionally of one type. */
export function plannedResources(plan: TerraformPlanJson, type?: string): PlannedResource[] {
  const resources: PlannedResource[] = [];
  const visit = (module: PlannedModule | undefined): void => {
    if (!module) return;
    for (const resource of module.resources ?? []) if (type === undefined || resource.type === type) resources.push(resource);
    for (const child of module.child_modules ?? []) visit(child);
  };
  visit(plan.planned_values?.root_module);
  return resources;
}

function runCommand(binary: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<TerraformCommandOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(binary, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, extraError?: string): void => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      resolve({
        args,
        exitCode,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8") + (extraError ? `\n${extraError}` : ""),
        durationMs: Date.now() - started,
      });
    };
    child.on("error", (error) => finish(null, null, `cannot run ${binary}: ${error.message}`));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

// ---------------------------------------------------------------------------------------------------------
// The harness
// ---------------------------------------------------------------------------------------------------------

/** Options of an {@link OfflineTerraform} harness. */
export interface OfflineTerraformOptions extends LocateOptions {
  /** Where the harness's temporary directory is created. Default: os.tmpdir(). */
  readonly tempParent?: string;
  /**
   * A plugin cache directory to share with other harnesses. Default: one inside the harness's temp dir.
   * Terraform does not lock the cache: harnesses sharing one should not run their first init at once.
   */
  readonly pluginCacheDir?: string;
  /** Stacks run at a time. Default: env OFFLINE_TERRAFORM_PARALLELISM, else {@link DEFAULT_PARALLELISM}. */
  readonly parallelism?: number;
  /** Per terraform command. Default {@link DEFAULT_COMMAND_TIMEOUT_MS}. */
  readonly commandTimeoutMs?: number;
  /** Leave the temp dir behind on dispose() (also env OFFLINE_TERRAFORM_KEEP=1), for debugging. */
  readonly keep?: boolean;
}

/** What to run for a stack. */
export interface StackRunOptions {
  /** `terraform validate -json`. Default true. */
  readonly validate?: boolean;
  /** `terraform plan` + `terraform show -json`. Default true. */
  readonly plan?: boolean;
  /** Also `terraform show -no-color` of the plan. Default true. */
  readonly planText?: boolean;
  /** Changes the offline copy's JSON (after the offline rewrite) before terraform sees it. */
  readonly mutate?: StackJsonHook;
}

/** What to run over an app's stacks. */
export interface AppRunOptions extends StackRunOptions {
  /** Only these stacks (in this order). Default: every stack. */
  readonly stacks?: readonly string[];
}

/** The outcome of one stack. */
export interface StackRunResult {
  readonly stack: string;
  readonly ok: boolean;
  /** The offline copy terraform ran in (inside the harness's temp dir). */
  readonly workingDirectory: string;
  readonly failedStep?: TerraformStep;
  /** Carries terraform's output. */
  readonly error?: Error;
  readonly validation?: ValidationResult;
  readonly plan?: PlanResult;
  readonly durations: StepDurations;
}

/** The outcome of several stacks. */
export interface OfflineRunReport {
  readonly ok: boolean;
  /** In the order asked for. */
  readonly results: readonly StackRunResult[];
  readonly failures: readonly StackRunResult[];
  /** Sum over the stacks that planned. */
  readonly total: PlanSummary;
  readonly durationMs: number;
}

/** Every failure of a report with terraform's output; empty when none failed. */
export function formatFailures(report: OfflineRunReport): string {
  return report.failures.map((failure) => failure.error?.message ?? `Stack ${failure.stack}: failed at ${failure.failedStep}`).join("\n\n");
}

/**
 * A harness: its own temp directory holding the Terraform CLI configuration (filesystem mirror of
 * hashicorp/aws, plugin cache shared by all its stacks), its syntheses and its stack copies.
 * Call {@link dispose} when done.
 */
export class OfflineTerraform {
  readonly terraformBinary: string;
  readonly providerMirror: string;
  readonly availability: OfflineTerraformAvailability;
  /** The harness's temp directory. */
  readonly root: string;
  readonly cliConfigFile: string;
  readonly pluginCacheDir: string;
  readonly parallelism: number;
  readonly commandTimeoutMs: number;
  private readonly keep: boolean;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private copies = 0;
  private syntheses = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /**
   * `terraform init`s run one at a time: Terraform does not lock its plugin cache, and two inits linking the
   * provider from it at once have left a working directory without the provider ("no package ... cached in
   * .terraform/providers"). An init takes under a second once the cache is filled; validate and plan stay parallel.
   */
  private initQueue: Promise<unknown> = Promise.resolve();

  /** Throws {@link OfflineTerraformUnavailableError} when terraform or the mirror is missing. */
  constructor(options: OfflineTerraformOptions = {}) {
    const env = options.env ?? process.env;
    this.availability = offlineTerraformAvailability(options);
    if (!this.availability.available || !this.availability.terraformBinary) throw new OfflineTerraformUnavailableError(this.availability);
    this.terraformBinary = this.availability.terraformBinary;
    this.providerMirror = this.availability.providerMirror;
    const parallelism = options.parallelism ?? Number(env.OFFLINE_TERRAFORM_PARALLELISM || DEFAULT_PARALLELISM);
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new Error(`parallelism must be a positive integer, got ${parallelism}`);
    this.parallelism = parallelism;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.keep = options.keep ?? env.OFFLINE_TERRAFORM_KEEP === "1";
    this.root = fs.mkdtempSync(path.join(options.tempParent ?? os.tmpdir(), "snapshot-dr-offline-tf-"));
    this.pluginCacheDir = path.resolve(options.pluginCacheDir ?? path.join(this.root, "plugin-cache"));
    fs.mkdirSync(this.pluginCacheDir, { recursive: true });
    this.cliConfigFile = path.join(this.root, "terraform.tfrc");
    fs.writeFileSync(this.cliConfigFile, cliConfiguration(this.providerMirror, this.pluginCacheDir));
    this.baseEnv = Object.fromEntries(Object.entries(env).filter(([key]) => !STRIPPED_ENV.test(key)));
  }

  /**
   * The environment of every terraform run. GOGC defaults to 400 (unless set): terraform and the provider
   * spend much of each command building the provider schemas; collecting garbage less often costs some
   * 10-20% more memory per process and saves ~25% of the CPU per command (measured with aws 5.100).
   */
  terraformEnv(): NodeJS.ProcessEnv {
    return {
      GOGC: "400",
      ...this.baseEnv,
      TF_CLI_CONFIG_FILE: this.cliConfigFile,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      TF_INPUT: "0",
    };
  }

  /** Synthesizes a configuration into a new directory inside the harness's temp dir (never cdktf.out). */
  synthesize(config: SnapshotDrConfig): SynthesizedApp {
    this.syntheses += 1;
    const outdir = path.join(this.root, `synth-${this.syntheses}`);
    synthesize(config, outdir);
    return readSynthesizedApp(outdir);
  }

  /** Makes an offline copy of a synthesized stack directory inside the harness's temp dir. */
  makeOfflineCopy(stackDir: string, stack: string = path.basename(stackDir), mutate?: StackJsonHook): string {
    this.copies += 1;
    return makeOfflineCopy(stackDir, path.join(this.root, "runs", `${this.copies}-${stack}`), { stack, mutate });
  }

  /** Runs one terraform command in a directory (with the harness's environment). */
  terraform(cwd: string, args: readonly string[]): Promise<TerraformCommandOutcome> {
    return runCommand(this.terraformBinary, args, cwd, this.terraformEnv(), this.commandTimeoutMs);
  }

  /**
   * Copies a synthesized stack offline and runs init, then validate and/or plan (+ show). Never throws for
   * a terraform failure: the result says which step failed, with terraform's output in `error`.
   * At most {@link parallelism} stacks run at a time across every call on this harness; the others wait.
   */
  runStack(stackDir: string, options: StackRunOptions = {}, stack: string = path.basename(stackDir)): Promise<StackRunResult> {
    return this.inSlot(() => this.runStackNow(stackDir, options, stack));
  }

  private async inSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running < this.parallelism) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the finishing run hands its slot over
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  private async runStackNow(stackDir: string, options: StackRunOptions, stack: string): Promise<StackRunResult> {
    const started = Date.now();
    const durations: StepDurations = { total: 0 };
    let validation: ValidationResult | undefined;
    let plan: PlanResult | undefined;
    let workingDirectory = "";
    const finish = (failedStep?: TerraformStep, error?: Error): StackRunResult => {
      durations.total = Date.now() - started;
      return { stack, ok: !failedStep, workingDirectory, failedStep, error, validation, plan, durations };
    };
    try {
      const copyStarted = Date.now();
      workingDirectory = this.makeOfflineCopy(stackDir, stack, options.mutate);
      durations.copy = Date.now() - copyStarted;
    } catch (error) {
      return finish("copy", new Error(`Stack ${stack}: cannot make the offline copy: ${(error as Error).message}`));
    }

    const init = await this.init(workingDirectory);
    durations.init = init.durationMs;
    if (init.exitCode !== 0) return finish("init", new TerraformCommandError(stack, "init", init));

    if (options.validate ?? true) {
      const outcome = await this.terraform(workingDirectory, ["validate", "-json", "-no-color"]);
      durations.validate = outcome.durationMs;
      try {
        const parsed = JSON.parse(outcome.stdout) as { valid: boolean; error_count: number; warning_count: number; diagnostics?: TerraformDiagnostic[] };
        validation = { valid: parsed.valid, errorCount: parsed.error_count, warningCount: parsed.warning_count, diagnostics: parsed.diagnostics ?? [] };
      } catch {
        return finish("validate", new TerraformCommandError(stack, "validate", outcome, [], `${describeExit(outcome)}, output is not JSON`));
      }
      if (outcome.exitCode !== 0 || !validation.valid) {
        const errors = validation.diagnostics.filter((d) => d.severity === "error");
        return finish("validate", new TerraformCommandError(stack, "validate", outcome, errors.length > 0 ? errors : validation.diagnostics));
      }
    }

    if (options.plan ?? true) {
      const planned = await this.terraform(workingDirectory, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin"]);
      durations.plan = planned.durationMs;
      if (planned.exitCode !== 0) return finish("plan", new TerraformCommandError(stack, "plan", planned));
      const shown = await this.terraform(workingDirectory, ["show", "-json", "plan.bin"]);
      durations.show = shown.durationMs;
      if (shown.exitCode !== 0) return finish("show", new TerraformCommandError(stack, "show", shown));
      let json: TerraformPlanJson;
      try {
        json = JSON.parse(shown.stdout) as TerraformPlanJson;
      } catch {
        return finish("show", new TerraformCommandError(stack, "show", shown, [], "output is not JSON"));
      }
      let text: string | undefined;
      if (options.planText ?? true) {
        const human = await this.terraform(workingDirectory, ["show", "-no-color", "plan.bin"]);
        durations.show += human.durationMs;
        if (human.exitCode !== 0) return finish("show", new TerraformCommandError(stack, "show", human));
        text = human.stdout;
      }
      plan = { summary: summarizePlan(json), json, text };
    }
    return finish();
  }

  /** Runs stacks of a synthesis ({@link parallelism} at a time, shared with every other run of this harness). */
  async runApp(app: SynthesizedApp, options: AppRunOptions = {}): Promise<OfflineRunReport> {
    const started = Date.now();
    const stacks = options.stacks ?? app.stacks;
    const directories = stacks.map((stack) => app.stackDir(stack)); // unknown names fail before anything runs
    const results = await Promise.all(stacks.map((stack, index) => this.runStack(directories[index], options, stack)));
    const failures = results.filter((result) => !result.ok);
    return {
      ok: failures.length === 0,
      results,
      failures,
      total: addPlanSummaries(results.flatMap((result) => (result.plan ? [result.plan.summary] : []))),
      durationMs: Date.now() - started,
    };
  }

  /**
   * Validates stacks of a synthesis together: their offline copies as modules of one root (combined-root.ts),
   * one init and one validate for all. Each stack's result holds the diagnostics of its own files; a stack
   * fails when it has an error, or when the command failed without naming any stack. No plan.
   */
  async validateTogether(app: SynthesizedApp, stacks: readonly string[] = app.stacks): Promise<OfflineRunReport> {
    const started = Date.now();
    const directories = stacks.map((stack) => app.stackDir(stack));
    this.copies += 1;
    const root = path.join(this.root, "runs", `${this.copies}-together`);
    const results = await this.inSlot(async (): Promise<StackRunResult[]> => {
      stacks.forEach((stack, index) => makeOfflineCopy(directories[index], path.join(root, stack), { stack }));
      writeCombinedRoot(root, stacks);
      const fail = (step: TerraformStep, error: (stack: string) => Error) =>
        stacks.map((stack) => ({ stack, ok: false, workingDirectory: path.join(root, stack), failedStep: step, error: error(stack), durations: { total: Date.now() - started } }));
      const init = await this.init(root);
      if (init.exitCode !== 0) return fail("init", (stack) => new TerraformCommandError(stack, "init", init));
      const outcome = await this.terraform(root, ["validate", "-json", "-no-color"]);
      let diagnostics: TerraformDiagnostic[];
      try {
        diagnostics = (JSON.parse(outcome.stdout) as { diagnostics?: TerraformDiagnostic[] }).diagnostics ?? [];
      } catch {
        return fail("validate", (stack) => new TerraformCommandError(stack, "validate", outcome, [], `${describeExit(outcome)}, output is not JSON`));
      }
      const unplaced = outcome.exitCode !== 0 && diagnostics.every((diagnostic) => stackOfDiagnostic(diagnostic, stacks) === undefined);
      return stacks.map((stack) => {
        const own = diagnostics.filter((diagnostic) => stackOfDiagnostic(diagnostic, stacks) === stack || (unplaced && diagnostic.severity === "error"));
        const errors = own.filter((diagnostic) => diagnostic.severity === "error");
        const validation = { valid: errors.length === 0, errorCount: errors.length, warningCount: own.length - errors.length, diagnostics: own };
        const durations = { total: Date.now() - started, init: init.durationMs, validate: outcome.durationMs };
        const base = { stack, workingDirectory: path.join(root, stack), validation, durations };
        return errors.length === 0 ? { ...base, ok: true } : { ...base, ok: false, failedStep: "validate" as const, error: new TerraformCommandError(stack, "validate", outcome, errors) };
      });
    });
    const failures = results.filter((result) => !result.ok);
    return { ok: failures.length === 0, results, failures, total: addPlanSummaries([]), durationMs: Date.now() - started };
  }

  /** Synthesizes a configuration (into the harness's temp dir) and runs its stacks. */
  async checkConfig(config: SnapshotDrConfig, options: AppRunOptions = {}): Promise<OfflineRunReport & { app: SynthesizedApp }> {
    const app = this.synthesize(config);
    return { ...(await this.runApp(app, options)), app };
  }

  /** Removes the harness's temp directory (unless kept). */
  dispose(): void {
    if (!this.keep) fs.rmSync(this.root, { recursive: true, force: true });
  }

  private init(cwd: string): Promise<TerraformCommandOutcome> {
    const run = this.initQueue.then(() => this.terraform(cwd, ["init", "-input=false", "-no-color"]));
    this.initQueue = run.catch(() => undefined);
    return run;
  }
}

/** The CLI configuration: hashicorp/aws from the filesystem mirror only, and a shared plugin cache. */
export function cliConfiguration(providerMirror: string, pluginCacheDir: string): string {
  return [
    `plugin_cache_dir   = ${JSON.stringify(pluginCacheDir)}`,
    `disable_checkpoint = true`,
    ``,
    `provider_installation {`,
    `  filesystem_mirror {`,
    `    path    = ${JSON.stringify(providerMirror)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER_ADDRESS)}]`,
    `  }`,
    `}`,
    ``,
  ].join("\n");
}
