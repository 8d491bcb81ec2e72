import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig, parseConfig } from "../../modules/config/load-config";
import {
  addPlanSummaries,
  cliConfiguration,
  FAKE_PROVIDER_SETTINGS,
  formatPlanSummary,
  offlineStackJson,
  OfflineTerraform,
  offlineTerraformAvailability,
  plannedResources,
  summarizePlan,
  TerraformCommandError,
  type OfflineRunReport,
  type StackRunResult,
  type SynthesizedApp,
  type TerraformJson,
} from "../../modules/offline-terraform/offline-terraform";
import { EXAMPLE_ACCOUNT_GUARD_VARIABLE } from "../../modules/stack/example-account-guard";
import { AWS_PROVIDER_VERSION_CONSTRAINT } from "../../modules/stack/snapshot-dr-stack";
import { generateConfig } from "../../scripts/generate-config";

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

describe("offline copies of synthesized stacks (no terraform needed)", () => {
  const synthesized: TerraformJson = {
    provider: {
      aws: [
        {
          alias: "us-east-1",
          region: "us-east-1",
          allowed_account_ids: ["222222222222"],
          assume_role: [{ role_arn: "arn:aws:iam::222222222222:role/Deploy" }],
          default_tags: [{ tags: { ManagedBy: "snapshot-dr" } }],
        },
      ],
    },
    terraform: {
      backend: { s3: { bucket: "state", key: "dr.tfstate", region: "us-east-1" } },
      required_providers: { aws: { source: "aws", version: AWS_PROVIDER_VERSION_CONSTRAINT } },
    },
  };

  it("swaps the deploy role for fake static credentials, drops the backend and keeps the version constraint", () => {
    // GIVEN a synthesized stack that assumes a deploy role, guards the account and uses an S3 backend
    const original = structuredClone(synthesized);

    // WHEN it is made offline
    const offline = offlineStackJson(synthesized);

    // THEN the provider has fake credentials and skips every AWS lookup, and nothing needs AWS or a backend
    const provider = (offline.provider?.aws as Record<string, unknown>[])[0];
    expect(provider).toMatchObject({ ...FAKE_PROVIDER_SETTINGS, alias: "us-east-1", region: "us-east-1" });
    expect(provider).not.toHaveProperty("assume_role");
    expect(provider).not.toHaveProperty("allowed_account_ids");
    expect(provider.default_tags).toEqual([{ tags: { ManagedBy: "snapshot-dr" } }]);
    expect(offline.terraform).not.toHaveProperty("backend");
    // AND the version constraint is the synthesized one, not rewritten to suit the mirror
    expect(offline.terraform?.required_providers.aws.version).toBe(AWS_PROVIDER_VERSION_CONSTRAINT);
    // AND the synthesized JSON is untouched
    expect(synthesized).toEqual(original);
  });

  it("counts a plan's changes as Terraform's Plan line does", () => {
    // GIVEN resource changes with every kind of action
    const changes = [["create"], ["create"], ["update"], ["delete"], ["delete", "create"], ["create", "delete"], ["no-op"], ["read"]].map(
      (actions, index) => ({ address: `r.${index}`, type: "r", mode: "managed", change: { actions } }),
    );

    // WHEN they are summarized
    const summary = summarizePlan({ resource_changes: changes });

    // THEN replacements count as one to add and one to destroy, and no-op and read count nowhere
    expect(summary).toEqual({ toAdd: 4, toChange: 1, toDestroy: 3, toReplace: 2 });
    expect(formatPlanSummary(summary)).toBe("4 to add, 1 to change, 3 to destroy");
  });

  it("writes a CLI configuration that installs only hashicorp/aws from the mirror and shares a plugin cache", () => {
    // GIVEN a mirror and a cache directory
    // WHEN the CLI configuration is written
    const text = cliConfiguration("/mirror/dir", "/cache/dir");

    // THEN it names both, and nothing else is installed from anywhere
    expect(text).toContain('plugin_cache_dir   = "/cache/dir"');
    expect(text).toMatch(/filesystem_mirror \{\s+path\s+= "\/mirror\/dir"\s+include = \["registry.terraform.io\/hashicorp\/aws"\]/);
    expect(text).not.toContain("direct");
  });

  it("says why offline terraform is unavailable", () => {
    // GIVEN a terraform binary and a mirror that do not exist
    const missing = path.join(os.tmpdir(), `no-such-dir-${process.pid}`);

    // WHEN availability is checked
    const result = offlineTerraformAvailability({ env: { TERRAFORM_BINARY: path.join(missing, "terraform"), TF_PROVIDER_MIRROR: missing } });

    // THEN it is unavailable, naming both missing pieces
    expect(result.available).toBe(false);
    expect(result.reasons).toEqual([expect.stringContaining("TERRAFORM_BINARY"), expect.stringContaining(`${missing} does not exist`)]);
  });
});

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
  let exampleRun: Promise<Settled<OfflineRunReport>>;
  let brokenKeyRun: Promise<Settled<StackRunResult>>;
  let needsAwsRun: Promise<Settled<StackRunResult>>;
  let guardedRun: Promise<Settled<StackRunResult>>;
  let exampleValidation: Promise<Settled<OfflineRunReport>>;
  let crossOrgRun: Promise<Settled<OfflineRunReport & { app: SynthesizedApp }>>;
  let sameOrgRun: Promise<Settled<OfflineRunReport & { app: SynthesizedApp }>>;
  let manyOwners: SynthesizedApp;
  let manyOwnersRun: Promise<Settled<OfflineRunReport>>;

  // Every run is queued here, longest first, so that both cores stay busy whichever test is waiting;
  // the harness runs `parallelism` (default 2) stacks at a time across all of them. Stacks that are only
  // validated are validated together, one Terraform root per estate (each command loads the AWS provider's
  // schema once, the larger part of a validate); planned stacks are planned one by one (a plan validates too).
  beforeAll(() => {
    terraform = new OfflineTerraform();
    example = terraform.synthesize(loadConfig(EXAMPLE));
    exampleRun = settle(
      Promise.all(
        example.stacks.map((stack) => terraform.runStack(example.stackDir(stack), { validate: false, plan: true, planText: stack === "source-333333333333" }, stack)),
      ).then((results) => ({ ok: results.every((result) => result.ok), results, failures: results.filter((result) => !result.ok), total: addPlanSummaries(results.flatMap((r) => (r.plan ? [r.plan.summary] : []))), durationMs: 0 })),
    );
    exampleValidation = settle(terraform.validateTogether(example));
    const crossOrg = terraform.synthesize(parseConfig(generateConfig({ sourceAccounts: 3, regionsPerAccount: 3, sourceOrganizations: 2, ebsMode: "mixed", rds: true })));
    crossOrgRun = settle(terraform.validateTogether(crossOrg).then((report) => ({ ...report, app: crossOrg })));
    const sameOrg = terraform.synthesize(parseConfig(generateConfig({ sourceAccounts: 3, regionsPerAccount: 3, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true })));
    sameOrgRun = settle(terraform.validateTogether(sameOrg).then((report) => ({ ...report, app: sameOrg })));
    manyOwners = terraform.synthesize(parseConfig(generateConfig({ sourceAccounts: 55, regionsPerAccount: 1 })));
    manyOwnersRun = settle(terraform.validateTogether(manyOwners, ["dr-222222222222", "source-100000000055"]));
    brokenKeyRun = settle(
      terraform.runStack(example.stackDir("dr-222222222222"), {
        plan: false,
        mutate: (json) => {
          for (const key of Object.values(resources(json, "aws_kms_key"))) key.deletion_window_in_days = 3;
        },
      }),
    );
    needsAwsRun = settle(
      terraform.runStack(example.stackDir("source-333333333333"), {
        validate: false,
        mutate: (json) => {
          json.data = { aws_caller_identity: { current: { provider: "aws.us-east-1" } } };
          json.output = { ...json.output, caller: { value: "${data.aws_caller_identity.current.account_id}" } };
        },
      }),
    );
    guardedRun = settle(
      terraform.runStack(example.stackDir("source-333333333333"), {
        validate: true,
        planText: false,
        mutate: (json) => {
          const original = JSON.parse(fs.readFileSync(path.join(example.stackDir("source-333333333333"), "cdk.tf.json"), "utf8")) as TerraformJson;
          json.variable = { ...json.variable, [EXAMPLE_ACCOUNT_GUARD_VARIABLE]: original.variable[EXAMPLE_ACCOUNT_GUARD_VARIABLE] };
        },
      }),
    );
  }, TERRAFORM_TIMEOUT_MS);

  afterAll(async () => {
    // Let queued runs finish before their directories go.
    await Promise.all([exampleRun, exampleValidation, crossOrgRun, sameOrgRun, manyOwnersRun, brokenKeyRun, needsAwsRun, guardedRun].filter(Boolean));
    terraform?.dispose();
  }, TERRAFORM_TIMEOUT_MS);

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
        // WHEN they are validated (together) and each is planned offline
        const validation = await outcome(exampleValidation);
        const report = await outcome(exampleRun);
        warnAboutWarnings(validation.results);

        // THEN every stack is valid and plans > 0 to add, 0 to change and 0 to destroy
        expect(failuresOf(validation)).toEqual([]);
        expect(validation.results.map((result) => [result.stack, result.validation?.valid])).toEqual(example.stacks.map((stack) => [stack, true]));
        expect(failuresOf(report)).toEqual([]);
        expect(report.results.map((result) => result.stack)).toEqual(example.stacks);
        for (const result of report.results) {
          expect(result.plan?.summary.toAdd).toBeGreaterThan(0);
          expect({ stack: result.stack, toChange: result.plan?.summary.toChange, toDestroy: result.plan?.summary.toDestroy }).toEqual({
            stack: result.stack,
            toChange: 0,
            toDestroy: 0,
          });
          // AND the human-readable plan (shown for the smallest stack) says the same
          if (result.plan?.text !== undefined) expect(result.plan.text).toContain(`Plan: ${formatPlanSummary(result.plan.summary)}.`);
        }
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "plans the DR stack's KMS keys with a 30-day deletion window and rotation",
      async () => {
        // GIVEN the DR stack's plan
        const dr = (await outcome(exampleRun)).results.find((result) => result.stack === "dr-222222222222");
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
        const report = await outcome(exampleRun);
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
        const result = await outcome(brokenKeyRun);

        // THEN validate fails, naming the stack and the argument, with terraform's diagnostic
        expect(result).toMatchObject({ ok: false, failedStep: "validate", stack: "dr-222222222222" });
        expect(result.error).toBeInstanceOf(TerraformCommandError);
        expect(result.error?.message).toContain("Stack dr-222222222222: terraform validate failed");
        expect(result.error?.message).toMatch(/deletion_window_in_days to be in the range \(7 - 30\), got 3/);
        expect(result.validation?.errorCount).toBe(7); // KMS-B, KMS-C and the alarm topic keys
        // AND the synthesized stack still has the 30-day window
        const original = JSON.parse(fs.readFileSync(path.join(example.stackDir("dr-222222222222"), "cdk.tf.json"), "utf8")) as TerraformJson;
        expect(Object.values(resources(original, "aws_kms_key")).map((key) => key.deletion_window_in_days)).toEqual([30, 30, 30, 30, 30, 30, 30]);
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "reports a plan that needs AWS as failing plan, with terraform's stderr",
      async () => {
        // GIVEN the source stack of account 333333333333 with a data source that asks AWS who is calling
        // WHEN it is planned with the fake credentials
        const result = await outcome(needsAwsRun);

        // THEN the plan fails, naming the stack, with terraform's error about the call
        expect(result).toMatchObject({ ok: false, failedStep: "plan", stack: "source-333333333333" });
        expect(result.error?.message).toContain("Stack source-333333333333: terraform plan failed (exit code 1)");
        expect(result.error?.message).toContain("data.aws_caller_identity.current");
        expect((result.error as TerraformCommandError).outcome.stderr).toContain("Error:");
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "refuses to plan a stack of the example's made-up accounts while its guard is in (offline copies leave it out)",
      async () => {
        // GIVEN the source stack of account 333333333333 with the example account guard put back in its offline copy
        // WHEN it is validated and planned
        const result = await outcome(guardedRun);

        // THEN validate passes, and the plan fails with the guard's message
        expect(result.validation).toMatchObject({ valid: true });
        expect(result).toMatchObject({ ok: false, failedStep: "plan", stack: "source-333333333333" });
        expect(result.error?.message).toContain("Invalid value for variable");
        expect(result.error?.message).toMatch(/Account 333333333333 is a made-up account of the bundled example\s+configuration \(config\/example.yaml\)/);
      },
      TERRAFORM_TIMEOUT_MS,
    );
  });

  describe("generated configurations", () => {
    it(
      "validates every stack of a cross-organization estate",
      async () => {
        // GIVEN 3 source accounts in 3 regions spread over 2 source organizations, the DR account in its own
        // WHEN every stack is validated
        const report = await outcome(crossOrgRun);
        warnAboutWarnings(report.results);

        // THEN all five are valid (the DR organization's guardrail stack included)
        expect(failuresOf(report)).toEqual([]);
        expect(report.results.map((result) => [result.stack, result.validation?.valid])).toEqual(report.app.stacks.map((stack) => [stack, true]));
        expect(report.results).toHaveLength(5);
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "validates every stack of a same-organization estate",
      async () => {
        // GIVEN the DR account in the (only) source organization, with 3 source accounts in 3 regions
        // WHEN every stack is validated
        const report = await outcome(sameOrgRun);
        warnAboutWarnings(report.results);

        // THEN all four are valid
        expect(failuresOf(report)).toEqual([]);
        expect(report.results.map((result) => [result.stack, result.validation?.valid])).toEqual(report.app.stacks.map((stack) => [stack, true]));
        expect(report.results).toHaveLength(5);
        expect(report.app.stacks).toContain("org-o-0000000001src");
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "validates the DR stack whose copy event policies are split at 50 snapshot owners",
      async () => {
        // GIVEN 55 source accounts in one region: the DR stack splits that region's copy event policy 50 + 5
        const dr = JSON.parse(fs.readFileSync(path.join(manyOwners.stackDir("dr-222222222222"), "cdk.tf.json"), "utf8")) as TerraformJson;
        const owners = Object.values(resources(dr, "aws_dlm_lifecycle_policy")).map(
          (policy) => (policy.policy_details as { event_source: { parameters: { snapshot_owner: string[] } } }).event_source.parameters.snapshot_owner.length,
        );
        expect(owners.sort((a, b) => b - a)).toEqual([50, 5]);

        // WHEN the DR stack and one source stack are validated
        const report = await outcome(manyOwnersRun);
        warnAboutWarnings(report.results);

        // THEN both are valid
        expect(failuresOf(report)).toEqual([]);
        expect(report.results.map((result) => [result.stack, result.validation?.valid])).toEqual([
          ["dr-222222222222", true],
          ["source-100000000055", true],
        ]);
      },
      TERRAFORM_TIMEOUT_MS,
    );
  });
});
