import { ConfigError, parseConfig } from "../../modules/config/load-config";
import { expectedSourcesByRegion } from "../../modules/dr-account/dr-account-monitoring";
import { generateConfig } from "../../scripts/generate-config";

/**
 * Which sources the DR account's freshness check expects, and `sourceAccounts[].freshness`, which leaves out the
 * regions that have nothing to copy in a flow (they would be reported stale forever).
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Two accounts in us-east-1 and eu-west-1, RDS on, DR copies in us-east-1 and us-west-2. */
const raw = (): Json => generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, rds: true }) as Json;
const withFreshness = (freshness: Json): Json => {
  const config = raw();
  config.sourceAccounts[0].freshness = freshness;
  return config;
};
const keys = (config: Json) =>
  [...expectedSourcesByRegion(parseConfig(config))].flatMap(([landing, sources]) => sources.map((s) => `${landing}: ${s.flow}/${s.account}/${s.region}`)).sort();
const problemsOf = (config: Json): string[] => {
  try {
    parseConfig(config);
    return [];
  } catch (error) {
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
};

describe("the sources the freshness check expects", () => {
  test("by default every account × region × flow it uses, where its copies land", () => {
    // GIVEN no freshness settings WHEN the expectations are computed
    const expected = keys(raw());
    // THEN EBS in both copy regions, RDS in the source region, for both accounts and both regions
    expect(expected).toHaveLength(2 * 2 * (2 + 1));
    expect(expected).toContain("us-west-2: ebs/100000000001/eu-west-1");
    expect(expected).toContain("eu-west-1: rds/100000000001/eu-west-1");
  });

  test("sourceAccounts[].freshness leaves out the regions of a flow that have nothing to copy", () => {
    // GIVEN the first account has databases only in us-east-1 and no tagged volume at all
    const expected = keys(withFreshness({ rds: ["us-east-1"], ebs: [] }));
    // THEN none of its EBS sources, its RDS source in us-east-1 only; the second account keeps every source
    expect(expected.filter((key) => key.includes("100000000001"))).toEqual(["us-east-1: rds/100000000001/us-east-1"]);
    expect(expected.filter((key) => key.includes("100000000002"))).toHaveLength(2 * (2 + 1));
  });

  test("names a region that is not the account's, a duplicate, and a flow that is off, all at once", () => {
    // GIVEN RDS off, and freshness regions outside the account or listed twice
    const config = withFreshness({ ebs: ["us-east-1", "us-east-1", "ap-south-1"], rds: ["us-east-1"], backup: ["eu-west-1"] });
    config.rds = { enabled: false };
    // WHEN parsed THEN every problem is named with its path
    expect(problemsOf(config)).toEqual([
      "sourceAccounts[0].freshness.ebs[1]: duplicate region 'us-east-1'",
      "sourceAccounts[0].freshness.ebs[2]: region 'ap-south-1' is not one of this account's regions",
      "sourceAccounts[0].freshness.rds: rds.enabled is false: no RDS copies come from any account",
      "sourceAccounts[0].freshness.backup: AWS Backup is off for account 100000000001 (backup.enabled, sourceAccounts[].backup.enabled)",
    ]);
  });
});
