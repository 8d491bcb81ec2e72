import { spawn } from "child_process";
import type { JsonObject } from "./offline-copy";

/** What terraform commands return, how their failures read, and how plans are counted. */


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

export interface PlannedModule {
  /** `module.<name>` of a child module; absent for the root. */
  readonly address?: string;
  readonly resources?: readonly PlannedResource[];
  readonly child_modules?: readonly PlannedModule[];
}

/** The parts of `terraform show -json <plan>` the harness reads (the rest is there too). */
export interface TerraformPlanJson extends JsonObject {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly planned_values?: { root_module?: PlannedModule };
  readonly resource_changes?: readonly { address: string; module_address?: string; type: string; mode: string; change: { actions: readonly string[] } }[];
}

/** A stack's plan. */
export interface PlanResult {
  readonly summary: PlanSummary;
  /** `terraform show -json plan.bin`, parsed. */
  readonly json: TerraformPlanJson;
  /** The plan as `terraform plan -no-color` printed it (absent when not asked for). */
  readonly text?: string;
}

/** Wall-clock milliseconds of each step that ran. */
export interface StepDurations {
  copy?: number;
  init?: number;
  validate?: number;
  plan?: number;
  /** `terraform show -json`. */
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

export function describeExit(outcome: TerraformCommandOutcome): string {
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

export function runCommand(binary: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<TerraformCommandOutcome> {
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
