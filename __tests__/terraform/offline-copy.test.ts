import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  cliConfiguration,
  FAKE_PROVIDER_SETTINGS,
  formatPlanSummary,
  offlineStackJson,
  offlineTerraformAvailability,
  plannedResources,
  planOfStack,
  summarizePlan,
  type TerraformJson,
  withOneProvider,
  writeCombinedRoot,
} from "../../modules/offline-terraform/offline-terraform";
import { AWS_PROVIDER_VERSION_CONSTRAINT } from "../../modules/stack/snapshot-dr-stack";

/** The offline terraform harness without terraform: offline copies, combined roots, plan summaries, availability. */

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

  it("puts a stack on the default provider for a validation: no provider block, no resource naming an alias", () => {
    // GIVEN a stack with an aliased provider, a resource and a data source on it
    const json: TerraformJson = {
      ...structuredClone(synthesized),
      resource: { aws_kms_key: { kms_b: { provider: "aws.us-east-1", deletion_window_in_days: 30 } } },
      data: { aws_region: { current: { provider: "aws.us-east-1" } } },
    };

    // WHEN it is put on one provider
    const one = withOneProvider(json);

    // THEN the provider configurations and the aliases are gone, everything else stays
    expect(one.provider).toBeUndefined();
    expect(one.resource).toEqual({ aws_kms_key: { kms_b: { deletion_window_in_days: 30 } } });
    expect(one.data).toEqual({ aws_region: { current: {} } });
    expect(one.terraform).toEqual(synthesized.terraform);
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
