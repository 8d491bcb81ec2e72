import { Testing } from "cdktf";
import { parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { ServiceQuotaIncrease } from "../../modules/servicequotas/service-quota-increase";
import { SnapshotDrStack } from "../../modules/stack/snapshot-dr-stack";
import { generateConfig } from "../../scripts/generate-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { SourceAccountStack } from "../../stacks/source-account-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const quotasOf = (synthesized: string): Json[] =>
  Object.values((JSON.parse(synthesized).resource?.aws_servicequotas_service_quota ?? {}) as Record<string, Json>);

/** Two RDS accounts: 140 DB snapshots kept in each DR region (over 100), 6 transit copies in each source region (ok). */
const rdsEstate = (requestQuotaIncreases: boolean): SnapshotDrConfig =>
  parseConfig(generateConfig({ sourceAccounts: 2, regionsPerAccount: 1, rds: true, capacity: { requestQuotaIncreases } }));

describe("ServiceQuotaIncrease", () => {
  let stack: SnapshotDrStack;
  beforeEach(() => {
    const config = rdsEstate(false);
    stack = new SnapshotDrStack(Testing.app(), "test", { config, accountId: config.drAccount.id, regions: ["us-east-1"] });
  });

  test("rejects a malformed service code, quota code or value", () => {
    const provider = stack.providerFor("us-east-1");
    expect(() => new ServiceQuotaIncrease(stack, "a", { provider, serviceCode: "EBS", quotaCode: "L-309BACF6", value: 1 })).toThrow(
      "Expected a Service Quotas service code (e.g. 'ebs'), got 'EBS'",
    );
    expect(() => new ServiceQuotaIncrease(stack, "b", { provider, serviceCode: "ebs", quotaCode: "309BACF6", value: 1 })).toThrow(
      "Expected a Service Quotas quota code (L- and 8 hexadecimal digits), got '309BACF6'",
    );
    expect(() => new ServiceQuotaIncrease(stack, "c", { provider, serviceCode: "ebs", quotaCode: "L-309BACF6", value: 1.5 })).toThrow(
      "Expected the quota value to be a whole number of at least 1, got 1.5",
    );
  });
});

describe("capacity.requestQuotaIncreases", () => {
  test("off (the default): no quota resource in any stack", () => {
    const config = rdsEstate(false);
    expect(quotasOf(Testing.synth(new DrAccountStack(Testing.app(), config)))).toEqual([]);
  });

  test("on: the DR stack asks for the DR account's adjustable quotas near or over, in the region where they bind", () => {
    // GIVEN two RDS accounts WHEN the DR stack is synthesized with the switch on
    const quotas = quotasOf(Testing.synth(new DrAccountStack(Testing.app(), rdsEstate(true))));
    // THEN manual DB instance snapshots (140 of 100) are asked for in both regions holding copies, at 175
    expect(quotas).toEqual([
      { provider: "aws.us-east-1", service_code: "rds", quota_code: "L-272F1212", value: 175 },
      { provider: "aws.us-west-2", service_code: "rds", quota_code: "L-272F1212", value: 175 },
    ]);
  });

  test("on: a source stack asks for its own account's quotas only", () => {
    // GIVEN an account with 60,000 volumes kept 7 times (420,000 + transit copies of 100,000 snapshots)
    const config = parseConfig(
      generateConfig({ sourceAccounts: 2, regionsPerAccount: 1, capacity: { requestQuotaIncreases: true, accounts: { "100000000001": { volumesPerRegion: 15000 } } } }),
    );
    // WHEN both source stacks are synthesized
    const [first, second] = config.sourceAccounts.map((account) => quotasOf(Testing.synth(new SourceAccountStack(Testing.app(), config, account))));
    // THEN only the first asks for EBS snapshots per Region: (15,000 × 7 + 15,000 × 3 transit copies, kept 48 h) / 0.8
    expect(first).toEqual([{ provider: "aws.us-east-1", service_code: "ebs", quota_code: "L-309BACF6", value: 187500 }]);
    expect(second).toEqual([]);
  });
});

// terraform validate of these stacks: the crossOrganization estate of __tests__/terraform/support/validated-estates.ts.
