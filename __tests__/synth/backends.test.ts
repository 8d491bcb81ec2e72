import { Testing } from "cdktf";
import { parseConfig } from "../../modules/config/load-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BASE = {
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1"] },
  sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] }],
};

/** The `terraform` block of the DR stack synthesized with a backend configuration. */
function terraformBlock(backend: Record<string, unknown> | undefined): Json {
  const config = parseConfig({ ...structuredClone(BASE), ...(backend ? { backend } : {}) });
  return JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config))).terraform;
}

describe("backends", () => {
  test("local by default, with the state in the project root and no machine path in the output", () => {
    // GIVEN no backend WHEN synthesized THEN a local backend relative to cdktf.out/stacks/<stack>
    expect(terraformBlock(undefined).backend).toEqual({ local: { path: "../../../terraform.dr-222222222222.tfstate" } });
  });

  test("S3: one key per stack, encrypted, S3 locking and the backend role", () => {
    // GIVEN an S3 backend with a role WHEN synthesized THEN every argument is there
    const backend = terraformBlock({
      type: "s3",
      bucket: "dr-terraform-state",
      region: "eu-central-1",
      keyPrefix: "platform/dr",
      roleArn: "arn:aws:iam::555555555555:role/terraform-state",
    }).backend;
    expect(backend).toEqual({
      s3: {
        bucket: "dr-terraform-state",
        key: "platform/dr/dr-222222222222.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
        assume_role: { role_arn: "arn:aws:iam::555555555555:role/terraform-state" },
      },
    });
  });

  test("S3 without native locking for Terraform older than 1.10", () => {
    // GIVEN useLockfile: false WHEN synthesized THEN use_lockfile is false and no role is assumed
    const backend = terraformBlock({ type: "s3", bucket: "dr-terraform-state", region: "us-east-1", useLockfile: false }).backend;
    expect(backend.s3.use_lockfile).toBe(false);
    expect(backend.s3.assume_role).toBeUndefined();
    expect(backend.s3.key).toBe("snapshot-dr/dr-222222222222.tfstate");
  });

  test("Terraform Cloud: one workspace per stack, named from the prefix", () => {
    // GIVEN a cloud backend WHEN synthesized THEN the stack's workspace is <prefix><stack>
    const block = terraformBlock({ type: "cloud", organization: "acme-platform", workspacePrefix: "dr-" });
    expect(block.cloud).toEqual({ hostname: "app.terraform.io", organization: "acme-platform", workspaces: { name: "dr-dr-222222222222" } });
    expect(block.backend).toBeUndefined();
  });
});
