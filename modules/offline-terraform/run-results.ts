import * as path from "path";
import type { CombinedStack } from "./combined-root";
import type { StackJsonHook } from "./offline-copy";
import { addPlanSummaries, type PlanResult, type PlanSummary, type StepDurations, type TerraformStep, type ValidationResult } from "./terraform-command";

/** What a harness is asked to run for stacks, and what it reports. */

/** What to run for a stack. */
export interface StackRunOptions {
  /** `terraform validate -json`. Default true. */
  readonly validate?: boolean;
  /** `terraform plan` + `terraform show -json`. Default true. */
  readonly plan?: boolean;
  /** Keep the plan as `terraform plan` printed it. Default true. */
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

/** Every stack of a combined run failed at the same step. */
export function failAll(entries: readonly CombinedStack[], root: string, step: TerraformStep, started: number, error: (stack: string) => Error): StackRunResult[] {
  return entries.map(({ name }) => ({ stack: name, ok: false, workingDirectory: path.join(root, name), failedStep: step, error: error(name), durations: { total: Date.now() - started } }));
}

export function runReport(results: readonly StackRunResult[], started: number): OfflineRunReport {
  const failures = results.filter((result) => !result.ok);
  return { ok: failures.length === 0, results, failures, total: addPlanSummaries(results.flatMap((result) => (result.plan ? [result.plan.summary] : []))), durationMs: Date.now() - started };
}
