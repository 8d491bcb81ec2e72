import * as fs from "fs";
import * as path from "path";
import { loadConfig } from "../../modules/config/load-config";
import {
  FAKE_PROVIDER_SETTINGS,
  formatPlanSummary,
  OfflineTerraform,
  offlineTerraformAvailability,
  plannedResources,
  TerraformCommandError,
  type CombinedStack,
  type OfflineRunReport,
  type StackRunResult,
  type SynthesizedApp,
  type StackJsonHook,
  type TerraformJson,
  withOneProvider,
} from "../../modules/offline-terraform/offline-terraform";
import { EXAMPLE_ACCOUNT_GUARD_VARIABLE } from "../../modules/stack/example-account-guard";
import { VALIDATED_ESTATES, type ValidatedEstateName } from "./support/validated-estates";

/**
 * Real Terraform in the loop, offline: the synthesized stacks are validated and planned by terraform with
 * the AWS provider from the filesystem mirror (TF_PROVIDER_MIRROR, default /opt/tf-plugins) and fake
 * credentials. Without terraform or the mirror these tests are skipped with a notice, except in CI
 * (CI=true), where that fails the run.
 */

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE = path.join(PROJECT_ROOT, "config", "example.yaml");
const TERRAFORM_TIMEOUT_MS = 300_000;

const availability = offlineTerraformAvailability();
const inCi = process.env.CI === "true";
if (!availability.available && !inCi) {
  console.warn(`NOTICE: the offline Terraform tests are skipped: ${availability.reasons.join("; ")}`);
}

/**
 * `describe` when terraform and the mirror are there. Otherwise the body is not registered; in its place
 * one test prints the notice (outside CI) or fails with the reason (CI=true).
 */
function describeWithTerraform(name: string, body: () => void): void {
  if (availability.available) {
    describe(name, body);
    return;
  }
  describe(name, () => {
    it("needs terraform and the AWS provider mirror", () => {
      const message = `${availability.summary}. Install terraform (or set TERRAFORM_BINARY) and provide the hashicorp/aws filesystem mirror (TF_PROVIDER_MIRROR).`;
      if (inCi) throw new Error(`CI=true: ${message}`);
      console.warn(`SKIPPED "${name}": ${message}`);
    });
  });
}

/** Every failure with terraform's output, so that a failing expectation shows what terraform said. */
function failuresOf(report: OfflineRunReport): string[] {
  return report.failures.map((failure) => failure.error?.message ?? `${failure.stack}: failed at ${failure.failedStep}`);
}

function warnAboutWarnings(results: readonly StackRunResult[]): void {
  for (const result of results) {
    const warnings = result.validation?.diagnostics.filter((d) => d.severity === "warning") ?? [];
    if (warnings.length > 0) console.warn(`${result.stack}: terraform validate warnings:\n${warnings.map((w) => `  ${w.summary}`).join("\n")}`);
  }
}

function resources(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return (json.resource?.[type] ?? {}) as Record<string, Record<string, unknown>>;
}

/** Resolves to the value, or to the error: a run that throws fails its own test, not the whole file. */
type Settled<T> = { value: T } | { error: unknown };
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}
async function outcome<T>(pending: Promise<Settled<T>>): Promise<T> {
  const settled = await pending;
  if ("error" in settled) throw settled.error;
  return settled.value;
}

describeWithTerraform("real terraform, offline", () => {
  let terraform: OfflineTerraform;
  let example: SynthesizedApp;
  let examplePlan: Promise<Settled<OfflineRunReport & { planText?: string }>>;
  let validation: Promise<Settled<OfflineRunReport>>;
  let guardedRun: Promise<Settled<StackRunResult>>;
  const estates = new Map<ValidatedEstateName, SynthesizedApp>();

  // Each Terraform command loads the AWS provider's schema, and starts it once per provider configuration: so the
  // example's stacks are planned together with their providers (one plan, which validates them), and every stack
  // only validated — the generated estates' (support/validated-estates.ts) and one broken on purpose — is validated
  // in one root, each stack a module on one default provider (withOneProvider). Only the guarded stack, whose plan
  // must fail, runs on its own.
  beforeAll(() => {
    terraform = new OfflineTerraform();
    example = terraform.synthesize(loadConfig(EXAMPLE));
    const stacksOf = (app: SynthesizedApp, prefix: string, stacks: readonly string[] = app.stacks, mutate?: StackJsonHook): CombinedStack[] =>
      stacks.map((stack) => ({ name: `${prefix}${stack}`, stackDir: app.stackDir(stack), mutate }));
    examplePlan = settle(terraform.planTogether(stacksOf(example, "")));
    const estateStacks: CombinedStack[] = [];
    for (const [name, estateOf] of Object.entries(VALIDATED_ESTATES) as [ValidatedEstateName, () => { config: Parameters<OfflineTerraform["synthesize"]>[0]; stacks?: readonly string[] }][]) {
      const estate = estateOf();
      const app = terraform.synthesize(estate.config);
      estates.set(name, app);
      estateStacks.push(...stacksOf(app, `${name}-`, estate.stacks ?? app.stacks, withOneProvider));
    }
    const brokenKeys: CombinedStack = {
      name: "broken-dr-222222222222",
      stackDir: example.stackDir("dr-222222222222"),
      mutate: (json) => {
        for (const key of Object.values(resources(json, "aws_kms_key"))) key.deletion_window_in_days = 3;
        return withOneProvider(json);
      },
    };
    validation = settle(
      terraform.validateStacksTogether([
        ...estateStacks,
        brokenKeys,
      ]),
    );
    guardedRun = settle(
      terraform.runStack(example.stackDir("source-333333333333"), {
        validate: false, // the plan of the example's stacks validates it
        planText: false,
        // The guard alone, as synthesized: Terraform checks a root variable's validation before it plans anything,
        // so the stack's resources (and the provider starts they cost) add nothing to what this proves.
        mutate: (json) => {
          const original = JSON.parse(fs.readFileSync(path.join(example.stackDir("source-333333333333"), "cdk.tf.json"), "utf8")) as TerraformJson;
          return { terraform: json.terraform, variable: { [EXAMPLE_ACCOUNT_GUARD_VARIABLE]: original.variable[EXAMPLE_ACCOUNT_GUARD_VARIABLE] } };
        },
      }),
    );
  }, TERRAFORM_TIMEOUT_MS);

  afterAll(async () => {
    // Let queued runs finish before their directories go.
    await Promise.all([examplePlan, validation, guardedRun].filter(Boolean));
    terraform?.dispose();
  }, TERRAFORM_TIMEOUT_MS);

  /** The validation results of the stacks whose module names start with `prefix`, named as synthesized. */
  async function validated(prefix: string): Promise<StackRunResult[]> {
    const report = await outcome(validation);
    return report.results.filter((result) => result.stack.startsWith(prefix)).map((result) => ({ ...result, stack: result.stack.slice(prefix.length) }));
  }

  describe("the example configuration", () => {
    it("is synthesized into the harness's temp dir, not cdktf.out", () => {
      // GIVEN the example synthesized by the harness
      // WHEN its output directory is looked at
      // THEN it is inside the harness's temp dir and holds the DR stack, both source stacks and the DR organization's stack
      expect(example.outdir.startsWith(terraform.root + path.sep)).toBe(true);
      expect(example.stacks).toEqual(["dr-222222222222", "org-o-bbbbbbbbbb", "source-111111111111", "source-333333333333"]);
    });

    it(
      "validates and plans every stack with only creations",
      async () => {
        // GIVEN every stack of the example
        // WHEN they are planned offline (a plan validates the configuration first)
        const report = await outcome(examplePlan);

        // THEN every stack is valid and plans > 0 to add, 0 to change and 0 to destroy
        expect(failuresOf(report)).toEqual([]);
        expect(report.results.map((result) => result.stack)).toEqual(example.stacks);
        for (const result of report.results) {
          expect(result.plan?.summary.toAdd).toBeGreaterThan(0);
          expect({ stack: result.stack, toChange: result.plan?.summary.toChange, toDestroy: result.plan?.summary.toDestroy }).toEqual({
            stack: result.stack,
            toChange: 0,
            toDestroy: 0,
          });
        }
        // AND the human-readable plan of them all says the same in total
        expect(report.planText).toContain(`Plan: ${formatPlanSummary(report.total)}.`);
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "plans the DR stack's KMS keys with a 30-day deletion window and rotation",
      async () => {
        // GIVEN the DR stack's plan
        const dr = (await outcome(examplePlan)).results.find((result) => result.stack === "dr-222222222222");
        expect(dr?.plan).toBeDefined();

        // WHEN its planned KMS keys are looked at
        const keys = plannedResources(dr!.plan!.json, "aws_kms_key");

        // THEN there are KMS-B per source region, KMS-C per copy region and the alarm topic's key per region (3), each
        // deletable only after 30 days, and rotated
        expect(keys).toHaveLength(7);
        for (const key of keys) {
          expect({ address: key.address, ...key.values }).toMatchObject({
            address: key.address,
            deletion_window_in_days: 30,
            enable_key_rotation: true,
            is_enabled: true,
            key_usage: "ENCRYPT_DECRYPT",
          });
        }
        // AND the keys are created, never replaced
        const keyChanges = dr!.plan!.json.resource_changes!.filter((change) => change.type === "aws_kms_key");
        expect(keyChanges.map((change) => change.change.actions)).toEqual(keys.map(() => ["create"]));
        // AND the configuration terraform planned keeps prevent_destroy on them
        const planned = JSON.parse(fs.readFileSync(path.join(dr!.workingDirectory, "cdk.tf.json"), "utf8")) as TerraformJson;
        const lifecycles = Object.values(resources(planned, "aws_kms_key")).map((key) => key.lifecycle);
        expect(lifecycles).toEqual(keys.map(() => ({ prevent_destroy: true })));
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "leaves the synthesized originals as they were",
      async () => {
        // GIVEN the synthesized DR stack and the offline copy terraform ran in
        const report = await outcome(examplePlan);
        const dr = report.results.find((result) => result.stack === "dr-222222222222")!;

        // WHEN both are read
        const original = JSON.parse(fs.readFileSync(path.join(example.stackDir(dr.stack), "cdk.tf.json"), "utf8")) as TerraformJson;
        const offline = JSON.parse(fs.readFileSync(path.join(dr.workingDirectory, "cdk.tf.json"), "utf8")) as TerraformJson;

        // THEN the original still assumes the deploy role, has its backend and no Terraform working files
        expect((original.provider?.aws as Record<string, unknown>[]).every((p) => "assume_role" in p && !("access_key" in p))).toBe(true);
        expect(original.terraform).toHaveProperty("backend");
        expect(fs.existsSync(path.join(example.stackDir(dr.stack), ".terraform"))).toBe(false);
        // AND only the copy is offline
        expect((offline.provider?.aws as Record<string, unknown>[]).every((p) => p.access_key === FAKE_PROVIDER_SETTINGS.access_key)).toBe(true);
        expect(offline.terraform).not.toHaveProperty("backend");
        // AND the source stacks' Lambda assets came along to the copies
        const source = report.results.find((result) => result.stack === "source-111111111111")!;
        expect(fs.readdirSync(path.join(source.workingDirectory, "assets"))).toEqual(fs.readdirSync(path.join(example.stackDir(source.stack), "assets")));
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "reports a stack broken on purpose as failing validate, with terraform's message",
      async () => {
        // GIVEN the DR stack with its KMS keys' deletion window set to 3 days in the offline copy
        // WHEN it is validated
        const [result] = await validated("broken-");

        // THEN validate fails, naming the stack and the argument, with terraform's diagnostic
        expect(result).toMatchObject({ ok: false, failedStep: "validate", stack: "dr-222222222222" });
        expect(result.error).toBeInstanceOf(TerraformCommandError);
        expect(result.error?.message).toContain("Stack broken-dr-222222222222: terraform validate failed");
        expect(result.error?.message).toMatch(/deletion_window_in_days to be in the range \(7 - 30\), got 3/);
        expect(result.validation?.errorCount).toBe(7); // KMS-B, KMS-C and the alarm topic keys
        // AND the synthesized stack still has the 30-day window
        const original = JSON.parse(fs.readFileSync(path.join(example.stackDir("dr-222222222222"), "cdk.tf.json"), "utf8")) as TerraformJson;
        expect(Object.values(resources(original, "aws_kms_key")).map((key) => key.deletion_window_in_days)).toEqual([30, 30, 30, 30, 30, 30, 30]);
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "refuses to plan a stack of the example's made-up accounts while its guard is in (offline copies leave it out)",
      async () => {
        // GIVEN the source stack of account 333333333333 with the example account guard put back in its offline copy
        // WHEN it is validated and planned
        const result = await outcome(guardedRun);

        // THEN the plan fails, naming the stack, with the guard's message in terraform's stderr
        expect(result).toMatchObject({ ok: false, failedStep: "plan", stack: "source-333333333333" });
        expect(result.error?.message).toContain("Stack source-333333333333: terraform plan failed (exit code 1)");
        expect((result.error as TerraformCommandError).outcome.stderr).toContain("Error:");
        expect(result.error?.message).toContain("Invalid value for variable");
        expect(result.error?.message).toMatch(/Account 333333333333 is a made-up account of the bundled example\s+configuration \(config\/example.yaml\)/);
      },
      TERRAFORM_TIMEOUT_MS,
    );
  });

  describe("generated configurations", () => {
    it(
      "validates every stack of a cross-organization estate, quota increase requests included",
      async () => {
        // GIVEN 3 source accounts in 2 regions spread over 2 source organizations, the DR account in its own, and
        // quota increase requests on with one account over its EBS snapshots quota
        const app = estates.get("crossOrganization")!;
        const quotaRequests = (stack: string) =>
          Object.keys(resources(JSON.parse(fs.readFileSync(path.join(app.stackDir(stack), "cdk.tf.json"), "utf8")) as TerraformJson, "aws_servicequotas_service_quota")).length;
        expect(quotaRequests("source-100000000001")).toBeGreaterThan(0);

        // WHEN every stack is validated
        const results = await validated("crossOrganization-");
        warnAboutWarnings(results);

        // THEN all five are valid (the DR organization's guardrail stack and the quota requests included)
        expect(results.filter((result) => !result.ok).map((result) => result.error?.message)).toEqual([]);
        expect(results.map((result) => [result.stack, result.validation?.valid])).toEqual(app.stacks.map((stack) => [stack, true]));
        expect(results).toHaveLength(5);
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "validates the DR stack whose copy event policies are split at 50 snapshot owners",
      async () => {
        // GIVEN 55 source accounts in one region: the DR stack splits that region's copy event policy 50 + 5
        const dr = JSON.parse(fs.readFileSync(path.join(estates.get("manySnapshotOwners")!.stackDir("dr-222222222222"), "cdk.tf.json"), "utf8")) as TerraformJson;
        const owners = Object.values(resources(dr, "aws_dlm_lifecycle_policy")).map(
          (policy) => (policy.policy_details as { event_source: { parameters: { snapshot_owner: string[] } } }).event_source.parameters.snapshot_owner.length,
        );
        expect(owners.sort((a, b) => b - a)).toEqual([50, 5]);

        // WHEN the DR stack and one source stack are validated
        const results = await validated("manySnapshotOwners-");
        warnAboutWarnings(results);

        // THEN both are valid
        expect(results.filter((result) => !result.ok).map((result) => result.error?.message)).toEqual([]);
        expect(results.map((result) => [result.stack, result.validation?.valid])).toEqual([
          ["dr-222222222222", true],
          ["source-100000000055", true],
        ]);
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "validates a same-organization estate with the DR locks, the guardrails and plans copying into the air-gapped vaults",
      async () => {
        // GIVEN the DR account in the (only) source organization with AWS Backup, RDS and both EBS modes, a break-glass
        // role, compliance locks, guardrails on an OU and the air-gapped vault, into which the source plans copy
        // WHEN every stack is validated
        const results = await validated("sameOrganizationLocked-");
        warnAboutWarnings(results);

        // THEN the DR stack, the organization's stack (the DR guardrail SCPs and the copy guardrail) and the three
        // source stacks are valid
        expect(results.filter((result) => !result.ok).map((result) => result.error?.message)).toEqual([]);
        expect(results.map((result) => [result.stack, result.validation?.valid])).toEqual(estates.get("sameOrganizationLocked")!.stacks.map((stack) => [stack, true]));
        expect(results.map((result) => result.stack)).toEqual(["dr-222222222222", "org-o-0000000001src", "source-100000000001", "source-100000000002", "source-100000000003"]);
      },
      TERRAFORM_TIMEOUT_MS,
    );

  });
});
