import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { CrossAccountCopyEventPolicy, CrossAccountCopyEventPolicyProps } from "../../modules/dr-account/cross-account-copy-event-policy";
import { policyDocument } from "../../modules/iam/policy-document";
import { ServiceRole } from "../../modules/iam/service-role";
import { CustomerManagedKey } from "../../modules/kms/customer-managed-key";
import { EbsSnapshotPolicy, EbsSnapshotPolicyProps } from "../../modules/source-account/ebs-snapshot-policy";

const OWN_ACCOUNT_ONLY = policyDocument([
  { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: "kms:*", Resource: "*" },
]);

describe("construct validation", () => {
  let stack: TerraformStack;
  let provider: AwsProvider;
  beforeEach(() => {
    stack = new TerraformStack(Testing.app(), "test");
    provider = new AwsProvider(stack, "aws", { region: "us-east-1" });
  });

  describe("CustomerManagedKey", () => {
    test("rejects an alias outside alias/ or in alias/aws/", () => {
      // GIVEN a key WHEN its alias is reserved by AWS THEN construction fails naming the rule
      expect(() => new CustomerManagedKey(stack, "key", { provider, description: "d", policy: OWN_ACCOUNT_ONLY, aliasName: "alias/aws/ebs" })).toThrow(
        "Expected alias name to match ^alias\\/[a-zA-Z0-9/_-]{1,250}$ and not start with alias/aws/, got 'alias/aws/ebs'",
      );
    });

    test("rejects a deletion window outside 7 to 30 days", () => {
      // GIVEN a key WHEN its deletion window is 45 days THEN construction fails
      expect(
        () => new CustomerManagedKey(stack, "key", { provider, description: "d", policy: OWN_ACCOUNT_ONLY, aliasName: "alias/x", deletionWindowInDays: 45 }),
      ).toThrow("Key deletion window must be a whole number of days from 7 to 30, got 45");
    });
  });

  describe("CrossAccountCopyEventPolicy", () => {
    const props = (overrides: Partial<CrossAccountCopyEventPolicyProps>): CrossAccountCopyEventPolicyProps => ({
      provider,
      region: "us-east-1",
      description: "copy",
      executionRoleArn: "arn:aws:iam::222222222222:role/dlm",
      snapshotOwners: ["111111111111"],
      descriptionRegex: ".*",
      copyTargets: [{ region: "us-east-1", kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/k" }],
      retainRule: { interval: 7, unit: "DAYS" },
      ...overrides,
    });

    test("rejects more than 50 snapshot owners", () => {
      // GIVEN 51 owners WHEN the policy is built THEN the API's limit is named
      const owners = Array.from({ length: 51 }, (_, i) => String(100000000000 + i));
      expect(() => new CrossAccountCopyEventPolicy(stack, "p", props({ snapshotOwners: owners }))).toThrow(
        "A cross-account copy event policy lists 1 to 50 snapshot owners, got 51",
      );
    });

    test("rejects more than three copy regions, with AWS's wording", () => {
      // GIVEN four targets WHEN the policy is built THEN it fails
      const target = { region: "us-east-1", kmsKeyArn: "k" };
      expect(() => new CrossAccountCopyEventPolicy(stack, "p", props({ copyTargets: [target, target, target, target] }))).toThrow(
        "The policy can copy snapshots to up to three Regions, got 4",
      );
    });

    test("requires a description filter", () => {
      // GIVEN an empty description regex WHEN the policy is built THEN it fails: the filter is mandatory
      expect(() => new CrossAccountCopyEventPolicy(stack, "p", props({ descriptionRegex: "" }))).toThrow(
        "The snapshot description filter is required and at most 1000 characters",
      );
    });

    test("rejects a policy description DLM does not accept", () => {
      // GIVEN a description with a slash WHEN the policy is built THEN it fails
      expect(() => new CrossAccountCopyEventPolicy(stack, "p", props({ description: "a/b" }))).toThrow(
        "Expected policy description to match ^[0-9A-Za-z _-]{1,500}$, got 'a/b'",
      );
    });

    test("rejects a retain interval below 1", () => {
      // GIVEN a zero interval WHEN the policy is built THEN it fails
      expect(() => new CrossAccountCopyEventPolicy(stack, "p", props({ retainRule: { interval: 0, unit: "DAYS" } }))).toThrow(
        "Expected the retain interval to be a whole number of at least 1, got 0",
      );
    });
  });

  describe("EbsSnapshotPolicy", () => {
    const props = (overrides: Partial<EbsSnapshotPolicyProps>): EbsSnapshotPolicyProps => ({
      provider,
      description: "snapshots",
      executionRoleArn: "arn:aws:iam::111111111111:role/dlm",
      targetTags: { Backup: "dr" },
      schedule: { intervalHours: 24 },
      retainCount: 7,
      ...overrides,
    });

    test("rejects a retain count over 1000", () => {
      // GIVEN 1001 snapshots to keep WHEN the policy is built THEN it fails
      expect(() => new EbsSnapshotPolicy(stack, "p", props({ retainCount: 1001 }))).toThrow("Expected the retain count to be from 1 to 1000, got 1001");
    });

    test("requires a target tag", () => {
      // GIVEN no target tags WHEN the policy is built THEN it fails
      expect(() => new EbsSnapshotPolicy(stack, "p", props({ targetTags: {} }))).toThrow("A snapshot policy needs at least one target tag");
    });

    test("a share rule needs a target account", () => {
      // GIVEN a share rule without accounts WHEN the policy is built THEN it fails
      expect(() => new EbsSnapshotPolicy(stack, "p", props({ shareRule: { targetAccounts: [], unshareInterval: 7, unshareIntervalUnit: "DAYS" } }))).toThrow(
        "A share rule needs at least one target account",
      );
    });

    test("a share rule needs an unshare interval of at least 1", () => {
      // GIVEN an unshare interval of 0 WHEN the policy is built THEN it fails
      expect(
        () => new EbsSnapshotPolicy(stack, "p", props({ shareRule: { targetAccounts: ["222222222222"], unshareInterval: 0, unshareIntervalUnit: "DAYS" } })),
      ).toThrow("Expected the unshare interval to be a whole number of at least 1, got 0");
    });

    test("requires exactly one of interval and cron", () => {
      // GIVEN both WHEN the policy is built THEN it fails
      expect(() => new EbsSnapshotPolicy(stack, "p", props({ schedule: { intervalHours: 24, cronExpression: "cron(0 1 * * ? *)" } }))).toThrow(
        "A snapshot schedule needs either intervalHours or cronExpression",
      );
    });
  });

  describe("ServiceRole and policies", () => {
    test("rejects a role name IAM does not accept", () => {
      // GIVEN a 65-character name WHEN the role is built THEN it fails
      expect(() => new ServiceRole(stack, "r", { provider, roleName: "r".repeat(65), servicePrincipal: "dlm.amazonaws.com", description: "d" })).toThrow(
        /^Expected role name to match/,
      );
    });

    test("rejects duplicate statement IDs", () => {
      // GIVEN two statements with one Sid WHEN the document is built THEN it fails
      const statement = { Sid: "Same", Effect: "Allow" as const, Action: "kms:Decrypt", Resource: "*" };
      expect(() => policyDocument([statement, statement])).toThrow("Statement Sid 'Same' is used twice in one policy");
    });
  });
});
