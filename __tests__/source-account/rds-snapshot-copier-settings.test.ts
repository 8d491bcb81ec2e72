import { readSettings, transitCopyIdentifier } from "../../modules/source-account/rds-snapshot-copier/handler";
import { isValidSnapshotIdentifier, snapshotIdentifier } from "../../modules/source-account/rds-snapshot-copier/rds-identifiers";
import { DR_ACCOUNT, ENV, PREFIX, RDS_KMS_KEY_ARN, REGION, SOURCE_ACCOUNT } from "./rds-snapshot-copier-fixtures";

/** RDS snapshot copier: The copier's settings from its environment, and the transit identifiers it derives from source identifiers. */
describe("RDS snapshot copier handler", () => {
  describe("configuration", () => {
    test("readSettings parses a valid environment", () => {
      // GIVEN the environment of the function in us-east-1
      const env = { ...ENV, AWS_REGION: REGION };

      // WHEN it is read
      const settings = readSettings(env);

      // THEN every value is there, typed
      expect(settings).toEqual({
        drAccountId: DR_ACCOUNT,
        sourceAccountId: SOURCE_ACCOUNT,
        rdsKmsKeyArn: RDS_KMS_KEY_ARN,
        selectionTagKey: "sdr:dr-selected",
        selectionTagValue: "true",
        transitTagKey: "sdr:transit-copy",
        transitTagValue: "true",
        transitRetentionHours: 48,
        transitPrefix: PREFIX,
      });
    });

    test.each([
      ["DR_ACCOUNT_ID", { DR_ACCOUNT_ID: "12345" }, /DR_ACCOUNT_ID must be a 12-digit AWS account id/],
      ["RDS_KMS_KEY_ARN (an alias)", { RDS_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${SOURCE_ACCOUNT}:alias/sdr-rds` }, /RDS_KMS_KEY_ARN must be a KMS key ARN/],
      ["RDS_KMS_KEY_ARN (another account)", { RDS_KMS_KEY_ARN: RDS_KMS_KEY_ARN.replace(SOURCE_ACCOUNT, DR_ACCOUNT) }, /RDS_KMS_KEY_ARN must be in SOURCE_ACCOUNT_ID/],
      ["RDS_KMS_KEY_ARN (another region)", { RDS_KMS_KEY_ARN: RDS_KMS_KEY_ARN.replace(REGION, "eu-west-1"), AWS_REGION: REGION }, /RDS_KMS_KEY_ARN must be in this region us-east-1/],
      ["TRANSIT_RETENTION_HOURS", { TRANSIT_RETENTION_HOURS: "0" }, /TRANSIT_RETENTION_HOURS must be a positive integer/],
      ["TRANSIT_PREFIX (uppercase)", { TRANSIT_PREFIX: "Snapshot-DR-" }, /TRANSIT_PREFIX must be a lowercase letter/],
      ["TRANSIT_PREFIX (consecutive hyphens)", { TRANSIT_PREFIX: "snapshot--dr-" }, /TRANSIT_PREFIX must be/],
      ["TRANSIT_PREFIX (too long)", { TRANSIT_PREFIX: `${"p".repeat(41)}-` }, /TRANSIT_PREFIX must be at most 40 characters/],
      ["TRANSIT_TAG_KEY (= selection key)", { TRANSIT_TAG_KEY: "sdr:dr-selected" }, /TRANSIT_TAG_KEY must differ from SELECTION_TAG_KEY/],
      ["TRANSIT_TAG_KEY (provenance)", { TRANSIT_TAG_KEY: "SourceAccount" }, /TRANSIT_TAG_KEY must not be one of/],
      ["SOURCE_ACCOUNT_ID (= DR)", { SOURCE_ACCOUNT_ID: DR_ACCOUNT }, /DR_ACCOUNT_ID must differ from SOURCE_ACCOUNT_ID/],
    ])("readSettings rejects a bad %s naming the variable", (_case, overrides, message) => {
      // GIVEN an environment with one bad value
      const env = { ...ENV, ...overrides };

      // WHEN it is read
      const read = () => readSettings(env);

      // THEN the error names the variable
      expect(read).toThrow(message);
    });

    test("readSettings lists every problem at once", () => {
      // GIVEN two missing variables and a bad one
      const { SELECTION_TAG_KEY: _key, TRANSIT_PREFIX: _prefix, ...env } = { ...ENV, DR_ACCOUNT_ID: "x" };

      // WHEN it is read
      const read = () => readSettings(env);

      // THEN all three are named
      expect(read).toThrow(/DR_ACCOUNT_ID must be .*SELECTION_TAG_KEY is not set.*TRANSIT_PREFIX is not set/);
    });
  });

  describe("identifier sanitation", () => {
    test.each([
      ["a valid manual id", "orders-db-before-upgrade", "instance", "snapshot-dr-dr-orders-db-before-upgrade"],
      ["uppercase (RDS stores identifiers lowercase)", "Orders-DB", "instance", "snapshot-dr-dr-orders-db"],
    ] as const)("keeps %s readable without a hash", (_case, source, kind, expected) => {
      // GIVEN a source identifier that sanitizes without loss
      // WHEN the transit identifier is derived
      const identifier = transitCopyIdentifier(PREFIX, source, kind);

      // THEN it is the prefix and the lowercased source
      expect(identifier).toBe(expected);
    });

    test.each([
      ["the automated rds: prefix", "rds:orders-db-2025-06-01-11-05", "instance", /^snapshot-dr-dr-rds-orders-db-2025-06-01-11-05-[0-9a-f]{8}$/],
      ["AWS Backup ids", "awsbackup:job-1234_ABCD", "instance", /^snapshot-dr-dr-awsbackup-job-1234-abcd-[0-9a-f]{8}$/],
      ["runs of invalid characters (no consecutive hyphens)", "a::b__c..--d", "instance", /^snapshot-dr-dr-a-b-c-d-[0-9a-f]{8}$/],
      ["only invalid characters", ":::", "cluster", /^snapshot-dr-dr-[0-9a-f]{8}$/],
    ] as const)("hashes when sanitizing %s loses information", (_case, source, kind, expected) => {
      // GIVEN a source identifier with characters RDS does not allow in a target
      // WHEN the transit identifier is derived
      const identifier = transitCopyIdentifier(PREFIX, source, kind);

      // THEN it is valid, readable and carries the hash
      expect(identifier).toMatch(expected);
      expect(isValidSnapshotIdentifier(identifier, kind)).toBe(true);
    });

    test("respects 255 characters for DB snapshots and 63 for cluster snapshots, deterministically", () => {
      // GIVEN a 255-character source identifier and two that differ only at the end
      const long = `a${"b".repeat(250)}-xyz`;
      const other = `a${"b".repeat(250)}-xyw`;

      // WHEN transit identifiers are derived for both kinds
      const instance = transitCopyIdentifier(PREFIX, long, "instance");
      const cluster = transitCopyIdentifier(PREFIX, long, "cluster");

      // THEN they fit, are valid, end with the hash, are stable and distinct for distinct sources
      expect(instance).toHaveLength(255);
      expect(cluster).toHaveLength(63);
      expect(isValidSnapshotIdentifier(instance, "instance")).toBe(true);
      expect(isValidSnapshotIdentifier(cluster, "cluster")).toBe(true);
      expect(transitCopyIdentifier(PREFIX, long, "cluster")).toBe(cluster);
      expect(transitCopyIdentifier(PREFIX, other, "cluster")).not.toBe(cluster);
      expect(transitCopyIdentifier(PREFIX, other, "instance")).not.toBe(instance);
    });

    test("a truncation never leaves a hyphen before the hash separator", () => {
      // GIVEN a source whose truncation point falls on a hyphen
      const source = `${"a".repeat(38)}-${"b".repeat(30)}`;

      // WHEN the cluster identifier is derived (room for 39 readable characters)
      const identifier = transitCopyIdentifier(PREFIX, source, "cluster");

      // THEN no consecutive hyphens or trailing hyphen appear
      expect(identifier).toMatch(new RegExp(`^snapshot-dr-dr-a{38}-[0-9a-f]{8}$`));
      expect(isValidSnapshotIdentifier(identifier, "cluster")).toBe(true);
    });

    test("distinct sources that sanitize alike get distinct identifiers", () => {
      // GIVEN an automated id and a manual id that sanitize to the same text
      // WHEN both are derived
      const automated = transitCopyIdentifier(PREFIX, "rds:db-1", "instance");
      const manual = transitCopyIdentifier(PREFIX, "rds-db-1", "instance");

      // THEN they differ
      expect(manual).toBe("snapshot-dr-dr-rds-db-1");
      expect(automated).not.toBe(manual);
    });

    test("an invalid prefix is refused", () => {
      // GIVEN a prefix starting with a digit
      // WHEN an identifier is derived
      const derive = () => snapshotIdentifier("1dr-", ["x"], "instance");

      // THEN it throws
      expect(derive).toThrow(/prefix "1dr-" must be/);
    });
  });
});
