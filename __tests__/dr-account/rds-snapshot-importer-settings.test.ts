import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RDSClient } from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import {
  createHandler,
  readSettings,
  type RdsSnapshotImporterEvent,
  type RdsSnapshotImporterHandler,
} from "../../modules/dr-account/rds-snapshot-importer/handler";
import {
  DR_ACCOUNT,
  DR_KMS_KEY_ARN,
  ENV,
  NOW,
  PREFIX,
  REGION,
  SECONDARY,
  SECONDARY_KMS_KEY_ARN,
  SETTINGS,
  SOURCE_A,
  SOURCE_B,
  importerWithClientsUnderTest,
  restoreImporterMocks,
} from "./rds-importer-fixtures";

/** Which events the importer handles, and how it reads and checks its configuration. */
describe("RDS snapshot importer handler", () => {
  let primaryMock: AwsClientStub<RDSClient>;
  let secondaryMock: AwsClientStub<RDSClient>;
  let primaryClient: RDSClient;
  let handle: RdsSnapshotImporterHandler;

  beforeEach(() => ({ primaryClient, primaryMock, secondaryMock, handle } = importerWithClientsUnderTest(NOW)));

  afterEach(() => restoreImporterMocks(primaryMock, secondaryMock));

  describe("events and configuration", () => {
    test("rejects an event that is not the schedule", async () => {
      // GIVEN an RDS event
      const event = { "detail-type": "RDS DB Snapshot Event", source: "aws.rds", region: REGION, detail: {} };

      // WHEN it is handled
      const outcome = handle(event as unknown as RdsSnapshotImporterEvent);

      // THEN it is rejected without any call
      await expect(outcome).rejects.toThrow(/not handled.*aws\.rds.*RDS DB Snapshot Event/);
      expect(primaryMock.calls()).toHaveLength(0);
    });

    test("readSettings parses a valid environment, trimming and de-duplicating the source accounts", () => {
      // GIVEN the environment of the function in eu-west-1
      const env = { ...ENV, SOURCE_ACCOUNT_IDS: ` ${SOURCE_A},${SOURCE_B} ,${SOURCE_A}`, AWS_REGION: REGION };

      // WHEN it is read
      const settings = readSettings(env);

      // THEN every value is there, typed
      expect(settings).toEqual({
        drAccountId: DR_ACCOUNT,
        sourceAccountIds: [SOURCE_A, SOURCE_B],
        drKmsKeyArn: DR_KMS_KEY_ARN,
        secondaryRegion: SECONDARY,
        secondaryKmsKeyArn: SECONDARY_KMS_KEY_ARN,
        retentionDays: 7,
        importTagKey: "sdr:dr-import",
        importTagValue: "true",
        importPrefix: PREFIX,
        sourceTransitPrefix: "snapshot-dr-dr-",
      });
    });

    test("readSettings reads the source accounts from a packaged file when the list outgrows the environment", () => {
      // GIVEN a list of accounts packaged beside the handler, and no SOURCE_ACCOUNT_IDS variable
      const taskRoot = fs.mkdtempSync(path.join(os.tmpdir(), "importer-task-"));
      fs.writeFileSync(path.join(taskRoot, "source-account-ids.txt"), `${SOURCE_A},${SOURCE_B}\n`);
      const { SOURCE_ACCOUNT_IDS: _inline, ...withoutList } = ENV;
      const env = { ...withoutList, SOURCE_ACCOUNT_IDS_FILE: "source-account-ids.txt", LAMBDA_TASK_ROOT: taskRoot };

      // WHEN it is read
      const settings = readSettings(env);

      // THEN the accounts come from the file; a missing file is reported by name
      expect(settings.sourceAccountIds).toEqual([SOURCE_A, SOURCE_B]);
      expect(() => readSettings({ ...env, SOURCE_ACCOUNT_IDS_FILE: "missing.txt" })).toThrow(/SOURCE_ACCOUNT_IDS_FILE "missing.txt" cannot be read/);
      fs.rmSync(taskRoot, { recursive: true, force: true });
    });

    test("readSettings treats an empty SECONDARY_REGION as unset", () => {
      // GIVEN empty secondary variables
      const env = { ...ENV, SECONDARY_REGION: "", SECONDARY_KMS_KEY_ARN: "" };

      // WHEN it is read
      const settings = readSettings(env);

      // THEN there is no secondary region
      expect(settings.secondaryRegion).toBeUndefined();
      expect(settings.secondaryKmsKeyArn).toBeUndefined();
    });

    test.each([
      ["SOURCE_ACCOUNT_IDS (not an id)", { SOURCE_ACCOUNT_IDS: `${SOURCE_A},12345` }, /SOURCE_ACCOUNT_IDS must be comma-separated 12-digit/],
      ["SOURCE_ACCOUNT_IDS (the DR account)", { SOURCE_ACCOUNT_IDS: `${SOURCE_A},${DR_ACCOUNT}` }, /SOURCE_ACCOUNT_IDS must not contain DR_ACCOUNT_ID/],
      ["DR_KMS_KEY_ARN (an alias)", { DR_KMS_KEY_ARN: `arn:aws:kms:${REGION}:${DR_ACCOUNT}:alias/sdr` }, /DR_KMS_KEY_ARN must be a KMS key ARN/],
      ["DR_KMS_KEY_ARN (another account)", { DR_KMS_KEY_ARN: DR_KMS_KEY_ARN.replace(DR_ACCOUNT, SOURCE_A) }, /DR_KMS_KEY_ARN must be in DR_ACCOUNT_ID/],
      ["DR_KMS_KEY_ARN (another region)", { DR_KMS_KEY_ARN: DR_KMS_KEY_ARN.replace(REGION, "us-east-1"), AWS_REGION: REGION }, /DR_KMS_KEY_ARN must be in region eu-west-1/],
      ["SECONDARY_KMS_KEY_ARN (missing)", { SECONDARY_KMS_KEY_ARN: "" }, /SECONDARY_KMS_KEY_ARN is not set \(required with SECONDARY_REGION\)/],
      ["SECONDARY_KMS_KEY_ARN (wrong region)", { SECONDARY_KMS_KEY_ARN: DR_KMS_KEY_ARN }, /SECONDARY_KMS_KEY_ARN must be in region eu-central-1/],
      ["SECONDARY_KMS_KEY_ARN (without region)", { SECONDARY_REGION: "" }, /SECONDARY_KMS_KEY_ARN is set but SECONDARY_REGION is not/],
      ["SECONDARY_REGION (this region)", { SECONDARY_REGION: REGION, SECONDARY_KMS_KEY_ARN: DR_KMS_KEY_ARN, AWS_REGION: REGION }, /SECONDARY_REGION must differ from this region/],
      ["SECONDARY_REGION (not a region)", { SECONDARY_REGION: "Frankfurt" }, /SECONDARY_REGION must be an AWS region name/],
      ["RETENTION_DAYS", { RETENTION_DAYS: "7d" }, /RETENTION_DAYS must be a positive integer/],
      ["IMPORT_PREFIX", { IMPORT_PREFIX: "9-imp-" }, /IMPORT_PREFIX must be a lowercase letter/],
      ["IMPORT_TAG_KEY", { IMPORT_TAG_KEY: "SourceSnapshotArn" }, /IMPORT_TAG_KEY must not be one of/],
    ])("readSettings rejects a bad %s naming the variable", (_case, overrides, message) => {
      // GIVEN an environment with one bad value
      const env = { ...ENV, ...overrides };

      // WHEN it is read
      const read = () => readSettings(env);

      // THEN the error names the variable
      expect(read).toThrow(message);
    });

    test("readSettings names every missing variable", () => {
      // GIVEN an empty environment
      // WHEN it is read
      const read = () => readSettings({});

      // THEN all required variables are named
      expect(read).toThrow(
        /DR_ACCOUNT_ID is not set; SOURCE_ACCOUNT_IDS is not set; DR_KMS_KEY_ARN is not set; RETENTION_DAYS is not set; IMPORT_TAG_KEY is not set; IMPORT_TAG_VALUE is not set; IMPORT_PREFIX is not set; SOURCE_TRANSIT_PREFIX is not set/,
      );
    });

    test("createHandler refuses a secondary region without its client", () => {
      // GIVEN settings with a secondary region
      // WHEN the handler is built without the secondary client
      const build = () => createHandler({ rds: primaryClient, settings: SETTINGS });

      // THEN it throws
      expect(build).toThrow(/secondary RDS client/);
    });
  });
});
