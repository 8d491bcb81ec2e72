import { Testing } from "cdktf";
import { parseConfig, SnapshotDrConfig } from "../../modules/config/load-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { SourceAccountStack } from "../../stacks/source-account-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const RAW = {
  organizations: [
    { id: "o-aaaaaaaaaa", managementAccountId: "999999999999" },
    { id: "o-bbbbbbbbbb", managementAccountId: "888888888888" },
  ],
  drAccount: { id: "222222222222", organizationId: "o-bbbbbbbbbb", copyRegions: ["us-east-1", "us-west-2"] },
  sourceAccounts: [
    { id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1", "eu-west-1"] },
    { id: "333333333333", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] },
  ],
  rds: { enabled: true, copyToSecondaryRegion: true, retentionDays: 14, selectionTag: { key: "dr", value: "rds" } },
};

const resourcesOf = (json: Json, type: string): Json[] => Object.values(json.resource[type] ?? {});
const inRegion = (json: Json, type: string, region: string) => resourcesOf(json, type).filter((r) => r.provider === `aws.${region}`);

describe("RDS and Aurora (rds.enabled)", () => {
  let config: SnapshotDrConfig;
  beforeEach(() => {
    config = parseConfig(structuredClone(RAW));
  });

  test("source: a custom key per region that the DR account may use only through RDS of that region", () => {
    // GIVEN RDS switched on WHEN the source stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new SourceAccountStack(Testing.app(), config, config.sourceAccounts[0])));
    // THEN each region has alias/snapshot-dr/rds-source with the DR statements gated by kms:ViaService
    for (const region of ["us-east-1", "eu-west-1"]) {
      const [alias] = inRegion(json, "aws_kms_alias", region).filter((a) => a.name === "alias/snapshot-dr/rds-source");
      expect(alias).toBeDefined();
      const key = inRegion(json, "aws_kms_key", region).find((k) => JSON.parse(k.policy).Statement.some((s: Json) => s.Sid === "DrAccountCopiesSharedSnapshotsThroughRds"))!;
      expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
      const statements: Json[] = JSON.parse(key.policy).Statement;
      for (const statement of statements.slice(1)) {
        expect(statement.Principal).toEqual({ AWS: "arn:aws:iam::222222222222:root" });
        expect(statement.Condition.StringEquals).toEqual({ "kms:ViaService": `rds.${region}.amazonaws.com` });
      }
    }
  });

  test("source: the RDS copier runs on the snapshot events it handles and hourly, with the custom key of its region", () => {
    // GIVEN RDS switched on WHEN the source stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new SourceAccountStack(Testing.app(), config, config.sourceAccounts[0])));
    // THEN the function's settings and its rule's pattern
    const fn = inRegion(json, "aws_lambda_function", "eu-west-1").find((f) => f.function_name === "snapshot-dr-rds-snapshot-copier")!;
    expect(fn.environment.variables).toMatchObject({
      DR_ACCOUNT_ID: "222222222222",
      SOURCE_ACCOUNT_ID: "111111111111",
      SELECTION_TAG_KEY: "dr",
      SELECTION_TAG_VALUE: "rds",
      TRANSIT_TAG_KEY: "snapshot-dr:rds-transit-copy",
      TRANSIT_PREFIX: "snapshot-dr-dr-",
      TRANSIT_RETENTION_HOURS: "48",
    });
    expect(fn.environment.variables.RDS_KMS_KEY_ARN).toBe("${aws_kms_key.rds_source_key_eu_west_1.arn}");
    const rule = inRegion(json, "aws_cloudwatch_event_rule", "eu-west-1").find((r) => r.name === "snapshot-dr-rds-snapshot-events")!;
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.rds"],
      "detail-type": ["RDS DB Snapshot Event", "RDS DB Cluster Snapshot Event"],
      detail: { EventID: ["RDS-EVENT-0042", "RDS-EVENT-0091", "RDS-EVENT-0197", "RDS-EVENT-0060", "RDS-EVENT-0075", "RDS-EVENT-0169"] },
    });
  });

  test("DR: a DR key and the importer in every region sources share from, copying on to the other copy region", () => {
    // GIVEN RDS with a secondary copy WHEN the DR stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
    // THEN us-east-1 copies on to us-west-2 under its KMS-C, eu-west-1 on to us-east-1
    const env = (region: string) => inRegion(json, "aws_lambda_function", region).find((f) => f.function_name === "snapshot-dr-rds-snapshot-importer")!.environment.variables;
    expect(env("us-east-1")).toMatchObject({
      DR_ACCOUNT_ID: "222222222222",
      SOURCE_ACCOUNT_IDS_FILE: "source-account-ids.txt",
      SECONDARY_REGION: "us-west-2",
      RETENTION_DAYS: "14",
      IMPORT_PREFIX: "snapshot-dr-import-",
      SOURCE_TRANSIT_PREFIX: "snapshot-dr-dr-",
    });
    expect(env("us-east-1").SECONDARY_KMS_KEY_ARN).toBe("${aws_kms_key.kms_c_us_west_2.arn}");
    expect(env("eu-west-1").SECONDARY_REGION).toBe("us-east-1");
    expect(env("eu-west-1").DR_KMS_KEY_ARN).toBe("${aws_kms_key.rds_dr_key_eu_west_1.arn}");
    // and each region's package is its own (it carries that region's account list)
    const packages = new Set(resourcesOf(json, "aws_lambda_function").filter((f) => f.function_name === "snapshot-dr-rds-snapshot-importer").map((f) => f.filename));
    expect(packages.size).toBe(2);
  });

  test("DR: the importer may use the source accounts' keys only through RDS", () => {
    // GIVEN RDS switched on WHEN the DR stack is synthesized
    const json: Json = JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), config)));
    // THEN every KMS statement of the importer's policy carries kms:ViaService of RDS
    const policy = resourcesOf(json, "aws_iam_role_policy").find((p) => p.name === "rds-snapshot-importer")!;
    const kmsStatements = JSON.parse(policy.policy).Statement.filter((s: Json) => [s.Action].flat().some((a: string) => a.startsWith("kms:")));
    expect(kmsStatements).toHaveLength(4);
    for (const statement of kmsStatements) expect(statement.Condition.StringLike["kms:ViaService"]).toBe("rds.*.amazonaws.com");
    // AND keys of other accounts only when they belong to the source organizations (no list of accounts)
    const sourceKeys = kmsStatements.filter((s: Json) => s.Resource === "arn:aws:kms:*:*:key/*");
    expect(sourceKeys).toHaveLength(2);
    for (const statement of sourceKeys) expect(statement.Condition.StringEquals).toEqual({ "aws:ResourceOrgID": [config.sourceAccounts[0].organizationId] });
  });

  test("without rds.enabled nothing of the RDS flow is synthesized", () => {
    // GIVEN RDS off WHEN both stacks are synthesized THEN neither has an RDS function or key
    config = parseConfig({ ...structuredClone(RAW), rds: { enabled: false } });
    const synthesized = Testing.synth(new DrAccountStack(Testing.app(), config)) + Testing.synth(new SourceAccountStack(Testing.app(), config, config.sourceAccounts[0]));
    expect(synthesized).not.toContain("rds-snapshot");
    expect(synthesized).not.toContain("alias/snapshot-dr/rds-");
  });
});
