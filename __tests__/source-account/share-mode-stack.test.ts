import { Testing } from "cdktf";
import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { reviewNotices } from "../../stacks/synthesize";
import { SourceAccountStack } from "../../stacks/source-account-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXISTING_KEY = "arn:aws:kms:us-east-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const RAW = {
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1"] },
  sourceAccounts: [
    { id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"], ebs: { mode: "share" } },
    { id: "333333333333", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] },
    { id: "444444444444", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"], ebs: { mode: "share", kmsKeyArns: { "us-east-1": EXISTING_KEY } } },
  ],
  ebs: { unshareAfter: { interval: 2, unit: "WEEKS" } },
};

const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});

describe("share mode", () => {
  let config: SnapshotDrConfig;
  beforeEach(() => {
    config = parseConfig(structuredClone(RAW));
  });

  const synthSource = (index: number) => {
    const app = Testing.app();
    const stack = new SourceAccountStack(app, config, config.sourceAccounts[index]);
    return { app, json: JSON.parse(Testing.synth(stack)) as Json };
  };

  test("the source snapshot policy shares with the DR account and unshares after the interval", () => {
    // GIVEN an account in share mode WHEN its stack is synthesized
    const { json } = synthSource(0);
    // THEN each region's policy has the share rule and the schedule name the DR filter matches, and no copier is deployed
    for (const policy of resourcesOf(json, "aws_dlm_lifecycle_policy")) {
      const [schedule] = policy.policy_details.schedule;
      expect(schedule.name).toBe("snapshot-dr DR shared snapshots");
      expect(schedule.share_rule).toEqual({ target_accounts: ["222222222222"], unshare_interval: 2, unshare_interval_unit: "WEEKS" });
      expect(schedule.tags_to_add).toBeUndefined();
    }
    expect(json.resource.aws_lambda_function).toBeUndefined();
    expect(resourcesOf(json, "aws_iam_role").map((role) => role.name)).toEqual(["snapshot-dr-dlm-snapshots"]);
  });

  test("KMS-A lets the source DLM role and the DR account use it through EC2 (seed 000 step 2), created after the role", () => {
    // GIVEN an account in share mode WHEN synthesized
    const { json } = synthSource(0);
    // THEN one KMS-A per region with both statements, waiting for the role its policy names
    const keys = resourcesOf(json, "aws_kms_key");
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
      expect(key.depends_on).toEqual(["aws_iam_role.dlm_role"]);
      const statements: Json[] = JSON.parse(key.policy).Statement;
      expect(statements.map((s) => s.Sid)).toEqual([
        "AccountAdministersKey",
        "AllowUseOfTheKeyThroughEc2",
        "AllowDrAccountToCopyFromTheKeyThroughEc2",
        "AllowDescribeKey",
        "AllowAttachmentOfPersistentResources",
      ]);
      const principals = ["arn:aws:iam::111111111111:role/snapshot-dr-dlm-snapshots", "arn:aws:iam::222222222222:root"];
      expect(statements[1]).toMatchObject({
        Principal: { AWS: principals[0] },
        Action: ["kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
        Condition: { StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } },
      });
      // AND the DR account may only decrypt or re-encrypt from the key, through EC2: never kms:Encrypt
      expect(statements[2]).toMatchObject({
        Principal: { AWS: principals[1] },
        Action: ["kms:Decrypt", "kms:ReEncryptFrom"],
        Condition: { StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" } },
      });
      expect(JSON.stringify(statements)).not.toContain("kms:Encrypt");
      expect(statements[3]).toMatchObject({ Principal: { AWS: principals }, Action: "kms:DescribeKey" });
      expect(statements[4]).toMatchObject({
        Principal: { AWS: principals },
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Condition: { StringLike: { "kms:ViaService": "ec2.*.amazonaws.com" }, Bool: { "kms:GrantIsForAWSResource": "true" } },
      });
    }
    expect(resourcesOf(json, "aws_kms_alias").map((alias) => alias.name)).toEqual(["alias/snapshot-dr/kms-a", "alias/snapshot-dr/kms-a"]);
  });

  test("an existing key is not created; the review notices say which statements its policy needs", () => {
    // GIVEN an account that names its existing key WHEN synthesized
    const { app, json } = synthSource(2);
    // THEN no key is created and a notice carries the two statements for that key
    expect(json.resource.aws_kms_key).toBeUndefined();
    const notices = reviewNotices(app);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`${EXISTING_KEY} is not managed here: add these statements to its key policy`);
    expect(notices[0]).toContain('"Sid":"AllowAttachmentOfPersistentResources"');
  });

  test("the DR account copies shared snapshots of every region, and its DLM role may use the source keys", () => {
    // GIVEN one account in each mode WHEN the DR stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
    // THEN KMS-B only where an account re-encrypts, event policies in both regions, and the filter admits both kinds
    expect(resourcesOf(json, "aws_kms_alias").map((alias) => `${alias.provider} ${alias.name}`).sort()).toEqual([
      "aws.eu-west-1 alias/snapshot-dr/alarms",
      "aws.us-east-1 alias/snapshot-dr/alarms",
      "aws.us-east-1 alias/snapshot-dr/kms-b",
      "aws.us-east-1 alias/snapshot-dr/kms-c",
    ]);
    const policies = resourcesOf(json, "aws_dlm_lifecycle_policy");
    const owners = Object.fromEntries(policies.map((p) => [p.provider, p.policy_details.event_source.parameters.snapshot_owner]));
    expect(owners).toEqual({ "aws.eu-west-1": ["111111111111"], "aws.us-east-1": ["111111111111", "333333333333", "444444444444"] });
    expect(policies[0].policy_details.event_source.parameters.description_regex).toBe(
      "^(snapshot-dr DR transit copy of snap-[0-9a-f]+ from [0-9]{12}|Created for policy: policy-[0-9a-f]+ schedule: snapshot-dr DR shared snapshots)$",
    );
    const inline = JSON.parse(resourcesOf(json, "aws_iam_role_policy")[0].policy);
    const sourceKeys = inline.Statement.find((statement: Json) => statement.Sid === "UseSourceKeysThroughEc2");
    // AND the keys are named by organization and sharing region, never account by account
    expect(sourceKeys.Resource).toBe("arn:aws:kms:*:*:key/*");
    expect(sourceKeys.Condition).toEqual({
      StringNotEquals: { "aws:ResourceAccount": "222222222222" },
      StringEquals: {
        "aws:ResourceOrgID": [...new Set(config.sourceAccounts.filter((a) => ["111111111111", "444444444444"].includes(a.id)).map((a) => a.organizationId))].sort(),
        "kms:ViaService": ["ec2.eu-west-1.amazonaws.com", "ec2.us-east-1.amazonaws.com"],
      },
    });
    for (const account of config.sourceAccounts) expect(JSON.stringify(inline)).not.toContain(account.id);
  });

  test("a region whose shares no event policy sees fails validation: the policies must be in the same Region", () => {
    // GIVEN a DR stack whose eu-west-1 event policy went missing
    const stack = new DrAccountStack(Testing.app(), config);
    const index = stack.copyEventPolicies.findIndex((policy) => policy.region === "eu-west-1");
    stack.copyEventPolicies.splice(index, 1);
    // WHEN it is validated THEN the gap is named
    expect(stack.node.validate()).toEqual([
      "Source account 111111111111 shares snapshots in eu-west-1, but no cross-account copy event policy of eu-west-1 lists it: the source and target policies must be in the same Region",
    ]);
  });

  test("a reencrypt-only configuration's filter admits transit copies only", () => {
    // GIVEN every account in reencrypt mode
    config = parseConfig({ ...structuredClone(RAW), sourceAccounts: [RAW.sourceAccounts[1]] });
    // WHEN the DR stack is synthesized THEN the filter has no share alternative
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
    expect(resourcesOf(json, "aws_dlm_lifecycle_policy")[0].policy_details.event_source.parameters.description_regex).toBe(
      "^snapshot-dr DR transit copy of snap-[0-9a-f]+ from [0-9]{12}$",
    );
  });
});
