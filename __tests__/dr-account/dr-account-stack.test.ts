import { Testing } from "cdktf";
import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLE = {
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1", "us-west-2"] },
  sourceAccounts: [
    { id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"] },
    { id: "333333333333", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] },
  ],
};

function synthDr(config: SnapshotDrConfig): { synthesized: string; json: Json } {
  const stack = new DrAccountStack(Testing.app(), config);
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) };
}

const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});

describe("DR account stack", () => {
  let config: SnapshotDrConfig;
  beforeEach(() => {
    config = parseConfig(structuredClone(EXAMPLE));
  });

  test("KMS-B in every source region and KMS-C in every copy region, with rotation, 30 days and prevent_destroy", () => {
    // GIVEN sources in us-east-1 and eu-west-1, copies in us-east-1 and us-west-2
    // WHEN the DR stack is synthesized
    const { synthesized, json } = synthDr(config);
    // THEN there are four data keys and an alarm topic key per region, each hygienic, with aliases in the right regions
    const keys = resourcesOf(json, "aws_kms_key");
    expect(keys).toHaveLength(7);
    for (const key of keys) {
      expect(key).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        key_usage: "ENCRYPT_DECRYPT",
        customer_master_key_spec: "SYMMETRIC_DEFAULT",
        lifecycle: { prevent_destroy: true },
      });
    }
    const aliases = resourcesOf(json, "aws_kms_alias").map((alias) => `${alias.provider} ${alias.name}`).sort();
    expect(aliases).toEqual([
      "aws.eu-west-1 alias/snapshot-dr/alarms",
      "aws.eu-west-1 alias/snapshot-dr/kms-b",
      "aws.us-east-1 alias/snapshot-dr/alarms",
      "aws.us-east-1 alias/snapshot-dr/kms-b",
      "aws.us-east-1 alias/snapshot-dr/kms-c",
      "aws.us-west-2 alias/snapshot-dr/alarms",
      "aws.us-west-2 alias/snapshot-dr/kms-c",
    ]);
    expect(synthesized).toHaveResourceWithProperties({ tfResourceType: "aws_kms_alias" }, { name: "alias/snapshot-dr/kms-b" });
  });

  test("KMS-B trusts the copier role of the source organization only through EC2 of its own region, without kms:*", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthDr(config);
    // THEN the eu-west-1 KMS-B policy lets the copier role of o-aaaaaaaaaa use it through ec2.eu-west-1 with the copy actions
    const key = resourcesOf(json, "aws_kms_key").find((k) => k.provider === "aws.eu-west-1" && k.description.includes("KMS-B"));
    const policy = JSON.parse(key!.policy);
    expect(policy.Statement).toEqual([
      { Sid: "DrAccountAdministersKey", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "kms:*", Resource: "*" },
      {
        Sid: "SourceOrganizationsCopySnapshotsThroughEc2",
        Effect: "Allow",
        Principal: "*",
        Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": ["o-aaaaaaaaaa"], "kms:ViaService": "ec2.eu-west-1.amazonaws.com" },
          ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/snapshot-dr-snapshot-copier" },
        },
      },
      {
        Sid: "SourceOrganizationsGrantToEbsThroughEc2",
        Effect: "Allow",
        Principal: "*",
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: {
          StringEquals: { "aws:PrincipalOrgID": ["o-aaaaaaaaaa"], "kms:ViaService": "ec2.eu-west-1.amazonaws.com" },
          ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/snapshot-dr-snapshot-copier" },
          Bool: { "kms:GrantIsForAWSResource": "true" },
        },
      },
    ]);
  });

  test("lockDown removes the source organizations from KMS-B", () => {
    // GIVEN kmsB.lockDown
    config = parseConfig({ ...structuredClone(EXAMPLE), drAccount: { ...EXAMPLE.drAccount, kmsB: { lockDown: true } } });
    // WHEN synthesized
    const { json } = synthDr(config);
    // THEN every key policy has only the DR account's own statement
    for (const key of resourcesOf(json, "aws_kms_key").filter((k) => !k.description.includes("alarm"))) {
      expect(JSON.parse(key.policy).Statement.map((s: Json) => s.Sid)).toEqual(["DrAccountAdministersKey"]);
    }
  });

  test("one cross-account copy event policy per source region copies to every copy region under KMS-C", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthDr(config);
    // THEN the us-east-1 policy lists both source accounts, matches the transit copy description and copies to both regions
    const policies = resourcesOf(json, "aws_dlm_lifecycle_policy");
    expect(policies.map((p) => p.provider).sort()).toEqual(["aws.eu-west-1", "aws.us-east-1"]);
    const usEast1 = policies.find((p) => p.provider === "aws.us-east-1")!;
    expect(usEast1.state).toBe("ENABLED");
    expect(usEast1.execution_role_arn).toBe("${aws_iam_role.dlm_role.arn}");
    expect(usEast1.policy_details.policy_type).toBe("EVENT_BASED_POLICY");
    expect(usEast1.policy_details.event_source).toEqual({
      type: "MANAGED_CWE",
      parameters: {
        event_type: "shareSnapshot",
        snapshot_owner: ["111111111111", "333333333333"],
        description_regex: "^snapshot-dr DR transit copy of snap-[0-9a-f]+ from [0-9]{12}$",
      },
    });
    const copies = usEast1.policy_details.action.cross_region_copy;
    expect(copies.map((c: Json) => c.target)).toEqual(["us-east-1", "us-west-2"]);
    for (const copy of copies) {
      expect(copy.encryption_configuration.encrypted).toBe(true);
      expect(copy.encryption_configuration.cmk_arn).toBe(`\${aws_kms_key.kms_c_${copy.target.replace(/-/g, "_")}.arn}`);
      expect(copy.retain_rule).toEqual({ interval: 30, interval_unit: "DAYS" });
    }
  });

  test("a region with 120 source accounts gets three event policies of at most 50 owners", () => {
    // GIVEN 120 source accounts in one region
    config = parseConfig(generateConfig({ sourceAccounts: 120, regionsPerAccount: 1 }));
    // WHEN synthesized
    const { json } = synthDr(config);
    // THEN the owners are split 50/50/20 and every account appears exactly once
    const owners = resourcesOf(json, "aws_dlm_lifecycle_policy").map((p) => p.policy_details.event_source.parameters.snapshot_owner);
    expect(owners.map((list: string[]) => list.length)).toEqual([50, 50, 20]);
    expect(new Set(owners.flat()).size).toBe(120);
  });

  test("the DLM execution role has the managed DLM policy and seed 000 step 4 on KMS-B and KMS-C", () => {
    // GIVEN the example WHEN synthesized
    const { synthesized, json } = synthDr(config);
    // THEN the role trusts DLM, has the AWS managed policy, and its inline policy names all four keys
    expect(synthesized).toHaveResourceWithProperties(
      { tfResourceType: "aws_iam_role_policy_attachment" },
      { policy_arn: "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole" },
    );
    const role = resourcesOf(json, "aws_iam_role")[0];
    expect(role.name).toBe("snapshot-dr-dlm-cross-account-copy");
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Sid: "ServiceAssumesRole", Effect: "Allow", Principal: { Service: "dlm.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const inline = JSON.parse(resourcesOf(json, "aws_iam_role_policy")[0].policy);
    expect(inline.Statement[0].Action).toEqual(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]);
    // AND KMS-B and KMS-C are named by alias (one value each, whatever the regions) and used only through EC2
    // (issue 12); DescribeKey, which DLM calls itself, needs no service
    const copyKeys = { "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/snapshot-dr/kms-b", "alias/snapshot-dr/kms-c"] } };
    expect(inline.Statement[0].Condition).toEqual({ Bool: { "kms:GrantIsForAWSResource": "true" }, StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" }, ...copyKeys });
    expect(inline.Statement[1]).toMatchObject({
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
      Resource: "arn:aws:kms:*:222222222222:key/*",
      Condition: { StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" }, ...copyKeys },
    });
    expect(inline.Statement[2]).toEqual({ Sid: "DescribeCopyKeys", Effect: "Allow", Action: "kms:DescribeKey", Resource: "arn:aws:kms:*:222222222222:key/*", Condition: copyKeys });
  });

  test("providers: one per region, assuming the deploy role of the DR account only, with default tags", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthDr(config);
    // THEN three aliased providers (copy regions first) pinned to the DR account
    const providers: Json[] = json.provider.aws;
    expect(providers.map((p) => p.alias)).toEqual(["us-east-1", "us-west-2", "eu-west-1"]);
    for (const provider of providers) {
      expect(provider.allowed_account_ids).toEqual(["222222222222"]);
      expect(provider.assume_role).toEqual([
        { role_arn: "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", session_name: "snapshot-dr-dr-222222222222" },
      ]);
      expect(provider.default_tags).toEqual([{ tags: { ManagedBy: "snapshot-dr", SnapshotDrStack: "dr-222222222222" } }]);
    }
    expect(json.terraform.required_providers.aws.version).toBe(">= 5.100.0, < 7.0.0");
    // AND the provider's full address, whichever bindings synthesized it (Terraform and OpenTofu read it alike)
    expect(json.terraform.required_providers.aws.source).toBe("hashicorp/aws");
  });

  test("outputs: key and alias ARNs per region and the DLM policy IDs", () => {
    // GIVEN the example WHEN synthesized
    const { json } = synthDr(config);
    // THEN the outputs are named by region
    expect(Object.keys(json.output).sort()).toEqual([
      "dlm_copy_policy_id_part_1_eu_west_1",
      "dlm_copy_policy_id_part_1_us_east_1",
      "kms_b_alias_arn_eu_west_1",
      "kms_b_alias_arn_us_east_1",
      "kms_b_key_arn_eu_west_1",
      "kms_b_key_arn_us_east_1",
      "kms_c_alias_arn_us_east_1",
      "kms_c_alias_arn_us_west_2",
      "kms_c_key_arn_us_east_1",
      "kms_c_key_arn_us_west_2",
    ]);
  });

  test("GovCloud: ARNs and the managed policy use the configured partition", () => {
    // GIVEN a configuration in aws-us-gov
    config = parseConfig({
      ...structuredClone(EXAMPLE),
      partition: "aws-us-gov",
      drAccount: { ...EXAMPLE.drAccount, copyRegions: ["us-gov-west-1"] },
      sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-gov-east-1"] }],
    });
    // WHEN synthesized
    const { synthesized } = synthDr(config);
    // THEN nothing refers to the commercial partition
    expect(synthesized).not.toMatch(/arn:aws:/);
    expect(synthesized).toContain("arn:aws-us-gov:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole");
    expect(synthesized).toContain("ec2.us-gov-east-1.amazonaws.com");
  });
});
