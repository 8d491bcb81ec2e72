import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig, parseConfig } from "../../modules/config/load-config";
import {
  cliConfiguration,
  FAKE_PROVIDER_SETTINGS,
  formatPlanSummary,
  offlineStackJson,
  OfflineTerraform,
  offlineTerraformAvailability,
  plannedResources,
  planOfStack,
  summarizePlan,
  TerraformCommandError,
  type CombinedStack,
  type OfflineRunReport,
  type StackRunResult,
  type SynthesizedApp,
  type TerraformJson,
  writeCombinedRoot,
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

  it("gives each stack of a combined plan its own part, addressed as if planned alone", () => {
    // GIVEN the plan of a root holding two stacks as modules
    const key = (module: string) => ({ address: `module.${module}.aws_kms_key.kms-b`, mode: "managed" as const, type: "aws_kms_key", name: "kms-b", values: { module } });
    const plan = {
      format_version: "1.2",
      planned_values: { root_module: { child_modules: [{ address: "module.dr-1", resources: [key("dr-1")] }, { address: "module.dr-10", resources: [key("dr-10")] }] } },
      resource_changes: ["dr-1", "dr-10"].map((module) => ({ ...key(module), module_address: `module.${module}`, change: { actions: ["create"] } })),
    };

    // WHEN the part of one stack is taken
    const part = planOfStack(plan, "dr-1");

    // THEN it holds that stack's resource only (not the one of a module whose name starts the same), without the module prefix
    expect(plannedResources(part)).toEqual([{ ...key("dr-1"), address: "aws_kms_key.kms-b" }]);
    expect(part.resource_changes).toEqual([{ ...key("dr-1"), address: "aws_kms_key.kms-b", change: { actions: ["create"] } }]);
  });

  it("refuses module names Terraform would not accept, or the same name twice", () => {
    // GIVEN a directory for a combined root
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "combined-root-"));
    try {
      // WHEN roots are written with a name starting with a digit, and with a name twice
      // THEN each is refused, naming the problem
      expect(() => writeCombinedRoot(directory, ["1-dr"])).toThrow("Not Terraform module names: 1-dr");
      expect(() => writeCombinedRoot(directory, ["dr", "dr"])).toThrow("Module names repeat in dr, dr");
      // AND good names make one module each
      writeCombinedRoot(directory, ["dr-222222222222", "org-o-bbbbbbbbbb"]);
      expect(JSON.parse(fs.readFileSync(path.join(directory, "main.tf.json"), "utf8"))).toEqual({
        module: { "dr-222222222222": { source: "./dr-222222222222" }, "org-o-bbbbbbbbbb": { source: "./org-o-bbbbbbbbbb" } },
      });
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
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
  let examplePlan: Promise<Settled<OfflineRunReport & { planText?: string }>>;
  let validation: Promise<Settled<OfflineRunReport>>;
  let guardedRun: Promise<Settled<StackRunResult>>;
  const estates = new Map<string, SynthesizedApp>();
  let manyOwners: SynthesizedApp;

  // Each Terraform command loads the AWS provider's schema, most of its time: so the example's stacks are planned
  // together (one plan, which validates them), and every stack only validated — the example's, two generated
  // estates', the split copy event policies' and one broken on purpose — is validated in one root, each stack a
  // module (combined-root.ts). Only the guarded stack, whose plan must fail, runs on its own.
  beforeAll(() => {
    terraform = new OfflineTerraform();
    example = terraform.synthesize(loadConfig(EXAMPLE));
    const stacksOf = (app: SynthesizedApp, prefix: string, stacks: readonly string[] = app.stacks): CombinedStack[] =>
      stacks.map((stack) => ({ name: `${prefix}${stack}`, stackDir: app.stackDir(stack) }));
    examplePlan = settle(terraform.planTogether(stacksOf(example, "")));
    estates.set("cross-", terraform.synthesize(parseConfig(generateConfig({ sourceAccounts: 3, regionsPerAccount: 3, sourceOrganizations: 2, ebsMode: "mixed", rds: true }))));
    estates.set("same-", terraform.synthesize(parseConfig(generateConfig({ sourceAccounts: 3, regionsPerAccount: 3, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }))));
    manyOwners = terraform.synthesize(parseConfig(generateConfig({ sourceAccounts: 55, regionsPerAccount: 1 })));
    const brokenKeys: CombinedStack = {
      name: "broken-dr-222222222222",
      stackDir: example.stackDir("dr-222222222222"),
      mutate: (json) => {
        for (const key of Object.values(resources(json, "aws_kms_key"))) key.deletion_window_in_days = 3;
      },
    };
    validation = settle(
      terraform.validateStacksTogether([
        ...stacksOf(example, "example-"),
        ...[...estates].flatMap(([prefix, app]) => stacksOf(app, prefix)),
        ...stacksOf(manyOwners, "many-", ["dr-222222222222", "source-100000000055"]),
        brokenKeys,
      ]),
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
        // WHEN they are validated and planned offline
        const validations = await validated("example-");
        const report = await outcome(examplePlan);
        warnAboutWarnings(validations);

        // THEN every stack is valid and plans > 0 to add, 0 to change and 0 to destroy
        expect(validations.filter((result) => !result.ok).map((result) => result.error?.message)).toEqual([]);
        expect(validations.map((result) => [result.stack, result.validation?.valid])).toEqual(example.stacks.map((stack) => [stack, true]));
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

        // THEN validate passes, and the plan fails, naming the stack, with the guard's message in terraform's stderr
        expect(result.validation).toMatchObject({ valid: true });
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
      "validates every stack of a cross-organization estate",
      async () => {
        // GIVEN 3 source accounts in 3 regions spread over 2 source organizations, the DR account in its own
        // WHEN every stack is validated
        const results = await validated("cross-");
        warnAboutWarnings(results);

        // THEN all five are valid (the DR organization's guardrail stack included)
        expect(results.filter((result) => !result.ok).map((result) => result.error?.message)).toEqual([]);
        expect(results.map((result) => [result.stack, result.validation?.valid])).toEqual(estates.get("cross-")!.stacks.map((stack) => [stack, true]));
        expect(results).toHaveLength(5);
      },
      TERRAFORM_TIMEOUT_MS,
    );

    it(
      "validates every stack of a same-organization estate",
      async () => {
        // GIVEN the DR account in the (only) source organization, with 3 source accounts in 3 regions
        // WHEN every stack is validated
        const results = await validated("same-");
        warnAboutWarnings(results);

        // THEN all five are valid (the source organization's stack included)
        expect(results.filter((result) => !result.ok).map((result) => result.error?.message)).toEqual([]);
        expect(results.map((result) => [result.stack, result.validation?.valid])).toEqual(estates.get("same-")!.stacks.map((stack) => [stack, true]));
        expect(results).toHaveLength(5);
        expect(estates.get("same-")!.stacks).toContain("org-o-0000000001src");
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
        const results = await validated("many-");
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
  });
});
