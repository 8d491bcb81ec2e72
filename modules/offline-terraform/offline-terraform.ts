import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { SnapshotDrConfig } from "../config/load-config";
import { synthesize } from "../../stacks/synthesize";
import { planOfStack, stackOfDiagnostic, writeCombinedRoot, type CombinedStack } from "./combined-root";
import { cliConfiguration, offlineTerraformAvailability, OfflineTerraformUnavailableError, type LocateOptions, type OfflineTerraformAvailability } from "./locate";
import { makeOfflineCopy, readSynthesizedApp, type StackJsonHook, type SynthesizedApp } from "./offline-copy";
import { failAll, runReport, type AppRunOptions, type OfflineRunReport, type StackRunOptions, type StackRunResult } from "./run-results";
import {
  addPlanSummaries,
  describeExit,
  runCommand,
  summarizePlan,
  TerraformCommandError,
  type PlanResult,
  type StepDurations,
  type TerraformCommandOutcome,
  type TerraformDiagnostic,
  type TerraformPlanJson,
  type TerraformStep,
  type ValidationResult,
} from "./terraform-command";

export * from "./combined-root";
export * from "./locate";
export * from "./offline-copy";
export * from "./run-results";
export * from "./terraform-command";

/**
 * Real Terraform in the loop, offline: synthesized stacks are copied (offline-copy.ts), and `terraform init` /
 * `validate` / `plan` run against a filesystem mirror of the AWS provider (locate.ts) through a CLI
 * configuration written by the harness. Nothing here touches `cdktf.out/`, the synthesized originals or the
 * user's Terraform configuration.
 *
 * A plan can only succeed while nothing needs AWS: a data source that calls an API fails with the fake
 * credentials, and that failure is reported like any other (stack, step, Terraform's stderr).
 */

/** Stacks run at a time unless told otherwise (`OFFLINE_TERRAFORM_PARALLELISM` or the option). */
export const DEFAULT_PARALLELISM = 2;
/** Longest a single terraform command may run before it is killed and reported as failed. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 10 * 60 * 1000;

/** Environment variables that could change what the harness runs; removed from every terraform run. */
const STRIPPED_ENV = /^(TF_CLI_ARGS(_.*)?|TF_DATA_DIR|TF_WORKSPACE|TF_PLUGIN_CACHE_DIR|TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE)$/;

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
      // The plan command printed the plan as `show -no-color` would: no second show needed.
      plan = { summary: summarizePlan(json), json, text: (options.planText ?? true) ? planned.stdout : undefined };
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

  /** Validates stacks of a synthesis together (see {@link validateStacksTogether}). */
  validateTogether(app: SynthesizedApp, stacks: readonly string[] = app.stacks): Promise<OfflineRunReport> {
    return this.validateStacksTogether(stacks.map((stack) => ({ name: stack, stackDir: app.stackDir(stack) })));
  }

  /**
   * Validates stacks (of one synthesis or several) together: their offline copies as modules of one root
   * (combined-root.ts), one init and one validate for all. Each stack's result holds the diagnostics of its own
   * files; a stack fails when it has an error, or when the command failed without naming any stack. No plan.
   */
  async validateStacksTogether(entries: readonly CombinedStack[]): Promise<OfflineRunReport> {
    const started = Date.now();
    const stacks = entries.map((entry) => entry.name);
    const results = await this.inSlot(async (): Promise<StackRunResult[]> => {
      const root = this.combinedCopy(entries);
      const init = await this.init(root);
      if (init.exitCode !== 0) return failAll(entries, root, "init", started, (stack) => new TerraformCommandError(stack, "init", init));
      const outcome = await this.terraform(root, ["validate", "-json", "-no-color"]);
      let diagnostics: TerraformDiagnostic[];
      try {
        diagnostics = (JSON.parse(outcome.stdout) as { diagnostics?: TerraformDiagnostic[] }).diagnostics ?? [];
      } catch {
        return failAll(entries, root, "validate", started, (stack) => new TerraformCommandError(stack, "validate", outcome, [], `${describeExit(outcome)}, output is not JSON`));
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
    return runReport(results, started);
  }

  /**
   * Plans stacks together: one root of their offline copies (combined-root.ts), one init, one plan (which
   * validates), one `show -json`. Each stack's result holds its part of the
   * plan, addressed as if planned alone; the report's `planText` is the whole plan as Terraform printed it.
   * A failed step fails every stack with Terraform's output (which names the files at fault).
   */
  async planTogether(entries: readonly CombinedStack[], options: { readonly planText?: boolean } = {}): Promise<OfflineRunReport & { planText?: string }> {
    const started = Date.now();
    let planText: string | undefined;
    const results = await this.inSlot(async (): Promise<StackRunResult[]> => {
      const root = this.combinedCopy(entries);
      const durations: StepDurations = { total: 0 };
      const fail = (step: TerraformStep, outcome: TerraformCommandOutcome, detail?: string) =>
        failAll(entries, root, step, started, (stack) => new TerraformCommandError(stack, step, outcome, [], detail));
      const init = await this.init(root);
      durations.init = init.durationMs;
      if (init.exitCode !== 0) return fail("init", init);
      const planned = await this.terraform(root, ["plan", "-refresh=false", "-input=false", "-lock=false", "-no-color", "-out=plan.bin"]);
      durations.plan = planned.durationMs;
      if (planned.exitCode !== 0) return fail("plan", planned);
      const shown = await this.terraform(root, ["show", "-json", "plan.bin"]);
      durations.show = shown.durationMs;
      let json: TerraformPlanJson;
      try {
        json = JSON.parse(shown.stdout) as TerraformPlanJson;
      } catch {
        return fail("show", shown, shown.exitCode === 0 ? "output is not JSON" : undefined);
      }
      // The plan command prints the plan as `show -no-color` would: no second show needed.
      if (options.planText ?? true) planText = planned.stdout;
      durations.total = Date.now() - started;
      return entries.map(({ name }) => {
        const part = planOfStack(json, name);
        return { stack: name, ok: true, workingDirectory: path.join(root, name), plan: { summary: summarizePlan(part), json: part }, durations };
      });
    });
    return { ...runReport(results, started), ...(planText !== undefined ? { planText } : {}) };
  }

  /** Offline copies of the stacks as modules of a new combined root; returns the root. */
  private combinedCopy(entries: readonly CombinedStack[]): string {
    this.copies += 1;
    const root = path.join(this.root, "runs", `${this.copies}-together`);
    for (const entry of entries) makeOfflineCopy(entry.stackDir, path.join(root, entry.name), { stack: entry.name, mutate: entry.mutate });
    writeCombinedRoot(root, entries.map((entry) => entry.name));
    return root;
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
