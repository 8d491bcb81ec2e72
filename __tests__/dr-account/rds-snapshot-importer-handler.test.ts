import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
  type DBClusterSnapshot,
  type DBSnapshot,
  type RDSClientConfig,
} from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import {
  createHandler,
  importCopyIdentifier,
  readSettings,
  type RdsSnapshotImporterEvent,
  type RdsSnapshotImporterHandler,
} from "../../modules/dr-account/rds-snapshot-importer/handler";
import { isValidSnapshotIdentifier } from "../../modules/source-account/rds-snapshot-copier/rds-identifiers";
import {
  DR_ACCOUNT,
  DR_KMS_KEY_ARN,
  ENV,
  NOW,
  PREFIX,
  PRIMARY_ONLY_ENV,
  REGION,
  SECONDARY,
  SECONDARY_KMS_KEY_ARN,
  SETTINGS,
  SOURCE_A,
  SOURCE_B,
  UNLISTED,
  clusterSnapshotArn,
  daysAgo,
  mockRdsClients,
  importCluster,
  importDb,
  provenance,
  scheduledEvent,
  sdkError,
  sharedCluster,
  sharedDb,
} from "./rds-importer-fixtures";

describe("RDS snapshot importer handler", () => {
  let primaryMock: AwsClientStub<RDSClient>;
  let secondaryMock: AwsClientStub<RDSClient>;
  let primaryClient: RDSClient;
  let secondaryClient: RDSClient;
  let sleep: jest.Mock<Promise<void>, [number]>;
  let handle: RdsSnapshotImporterHandler;

  beforeEach(() => {
    ({ primaryClient, secondaryClient, primaryMock, secondaryMock } = mockRdsClients());
    jest.spyOn(console, "log").mockImplementation(() => undefined);
    sleep = jest.fn((_ms: number) => Promise.resolve());
    handle = createHandler({
      rds: primaryClient,
      secondaryRds: secondaryClient,
      settings: SETTINGS,
      now: () => NOW,
      sleep,
    });
  });

  afterEach(() => {
    primaryMock.restore();
    secondaryMock.restore();
    jest.restoreAllMocks();
  });

  const givenShared = (dbSnapshots: DBSnapshot[], clusterSnapshots: DBClusterSnapshot[] = []) => {
    primaryMock.on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" }).resolves({ DBSnapshots: dbSnapshots });
    primaryMock
      .on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "shared" })
      .resolves({ DBClusterSnapshots: clusterSnapshots });
  };
  const givenManual = (
    mock: AwsClientStub<RDSClient>,
    dbSnapshots: DBSnapshot[],
    clusterSnapshots: DBClusterSnapshot[] = [],
  ) => {
    mock.on(DescribeDBSnapshotsCommand, { SnapshotType: "manual" }).resolves({ DBSnapshots: dbSnapshots });
    mock
      .on(DescribeDBClusterSnapshotsCommand, { SnapshotType: "manual" })
      .resolves({ DBClusterSnapshots: clusterSnapshots });
  };
  const loggedDecisions = () =>
    (console.log as jest.Mock).mock.calls.map(([line]) => JSON.parse(line as string) as Record<string, unknown>);

  describe("import", () => {
    test("imports only snapshots shared by the listed accounts, by ARN, under the DR key", async () => {
      // GIVEN DB snapshots shared by a listed account, an unlisted one and a listed one still being shared,
      // and a cluster snapshot shared by the other listed account
      const orders = sharedDb(SOURCE_A, "snapshot-dr-dr-orders-db-before-upgrade");
      givenShared(
        [
          orders,
          sharedDb(UNLISTED, "snapshot-dr-dr-intruder"),
          sharedDb(SOURCE_B, "snapshot-dr-dr-still-copying", { Status: "copying" }),
        ],
        [sharedCluster(SOURCE_B, "snapshot-dr-dr-ledger-nightly")],
      );

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN shared snapshots were listed as such
      for (const command of [DescribeDBSnapshotsCommand, DescribeDBClusterSnapshotsCommand] as const) {
        const inputs = primaryMock.commandCalls(command).map((call) => call.args[0].input as Record<string, unknown>);
        expect(inputs).toContainEqual({ SnapshotType: "shared", IncludeShared: true });
      }
      // AND the listed account's DB snapshot was copied by its ARN under the DR key, with marker and provenance
      const dbCopies = primaryMock.commandCalls(CopyDBSnapshotCommand);
      expect(dbCopies).toHaveLength(1);
      expect(dbCopies[0].args[0].input).toEqual({
        SourceDBSnapshotIdentifier: orders.DBSnapshotArn,
        TargetDBSnapshotIdentifier: `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-orders-db-before-upgrade`,
        KmsKeyId: DR_KMS_KEY_ARN,
        Tags: provenance(orders.DBSnapshotArn!),
      });
      // AND the cluster snapshot too, into a valid identifier of at most 63 characters
      const clusterCopies = primaryMock.commandCalls(CopyDBClusterSnapshotCommand);
      expect(clusterCopies).toHaveLength(1);
      const clusterInput = clusterCopies[0].args[0].input;
      expect(clusterInput.SourceDBClusterSnapshotIdentifier).toBe(
        clusterSnapshotArn(REGION, SOURCE_B, "snapshot-dr-dr-ledger-nightly"),
      );
      expect(clusterInput.KmsKeyId).toBe(DR_KMS_KEY_ARN);
      expect(clusterInput.TargetDBClusterSnapshotIdentifier).toBe(
        `snapshot-dr-imp-${SOURCE_B}-snapshot-dr-dr-ledger-nightly`,
      );
      expect(clusterInput.Tags).toContainEqual({ Key: "SourceAccount", Value: SOURCE_B });
      expect(result).toEqual({
        action: "import",
        imported: [
          `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-orders-db-before-upgrade`,
          `snapshot-dr-imp-${SOURCE_B}-snapshot-dr-dr-ledger-nightly`,
        ],
        copiedToSecondary: [],
        deleted: [],
        skipped: 2,
        quotaProblems: [],
        deferred: [],
      });
      expect(loggedDecisions()).toContainEqual(
        expect.objectContaining({ decision: "skipped", reason: expect.stringContaining(`${UNLISTED}, which is not in SOURCE_ACCOUNT_IDS`) }),
      );
    });

    test("skips snapshots already imported, also when the copy call races", async () => {
      // GIVEN two shared snapshots; the first has an import copy here, the second's copy appears concurrently
      const first = sharedDb(SOURCE_A, "snapshot-dr-dr-first");
      const second = sharedDb(SOURCE_A, "snapshot-dr-dr-second");
      givenShared([first, second]);
      givenManual(primaryMock, [importDb(REGION, `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-first`, { Status: "creating" })]);
      primaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("DBSnapshotAlreadyExistsFault", "exists"));

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN only the second was attempted, and neither counts as a failure
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand).map((call) => call.args[0].input.SourceDBSnapshotIdentifier)).toEqual([
        second.DBSnapshotArn,
      ]);
      expect(result).toMatchObject({ imported: [], skipped: 2 });
    });

    test("skips an unencrypted shared cluster snapshot with the reason", async () => {
      // GIVEN an unencrypted cluster snapshot shared by a listed account
      givenShared([], [sharedCluster(SOURCE_A, "snapshot-dr-dr-plain-ledger", { StorageEncrypted: false, KmsKeyId: undefined })]);

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN it is not copied
      expect(result).toMatchObject({ imported: [], skipped: 1 });
      expect(primaryMock.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(0);
      expect(loggedDecisions()).toContainEqual(
        expect.objectContaining({ reason: expect.stringContaining("cannot encrypt a cluster snapshot") }),
      );
    });

    test("logs the option group limitation of a snapshot with a custom option group", async () => {
      // GIVEN a shared Oracle snapshot with a custom option group
      givenShared([sharedDb(SOURCE_A, "snapshot-dr-dr-oracle-snap", { Engine: "oracle-ee", OptionGroupName: "orders-oracle-tde" })]);

      // WHEN the hourly run starts
      await handle(scheduledEvent);

      // THEN it is imported and the limitation is logged
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(1);
      expect(loggedDecisions()).toContainEqual(
        expect.objectContaining({ decision: "limitation", optionGroupName: "orders-oracle-tde", engine: "oracle-ee" }),
      );
    });

    test("pages through shared snapshots with Marker", async () => {
      // GIVEN shared DB snapshots on two pages
      primaryMock
        .on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" })
        .resolvesOnce({ DBSnapshots: [sharedDb(SOURCE_A, "snapshot-dr-dr-page-one")], Marker: "next" })
        .resolvesOnce({ DBSnapshots: [sharedDb(SOURCE_A, "snapshot-dr-dr-page-two")] });

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN both pages were read and imported
      const sharedLists = primaryMock
        .commandCalls(DescribeDBSnapshotsCommand)
        .map((call) => call.args[0].input)
        .filter((input) => input.SnapshotType === "shared");
      expect(sharedLists).toEqual([
        { SnapshotType: "shared", IncludeShared: true },
        { SnapshotType: "shared", IncludeShared: true, Marker: "next" },
      ]);
      expect(result.imported).toEqual([`snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-page-one`, `snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-page-two`]);
    });

    test("one failed import does not stop the others; the failure is thrown at the end naming the snapshot", async () => {
      // GIVEN two shared snapshots; the DR key refuses the first
      const broken = sharedDb(SOURCE_A, "snapshot-dr-dr-broken");
      const fine = sharedDb(SOURCE_B, "snapshot-dr-dr-fine");
      givenShared([broken, fine]);
      primaryMock
        .on(CopyDBSnapshotCommand, { SourceDBSnapshotIdentifier: broken.DBSnapshotArn })
        .rejects(sdkError("KMSKeyNotAccessibleFault", "key not accessible"));

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN the second was imported and the first named in the error
      await expect(outcome).rejects.toThrow(
        new RegExp(`imported 1, .*1 failure\\(s\\): import of DB snapshot ${broken.DBSnapshotArn} into .*KMSKeyNotAccessibleFault: key not accessible`),
      );
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(2);
    });

    test("retries a throttled listing and then imports", async () => {
      // GIVEN the shared listing is throttled once
      primaryMock
        .on(DescribeDBSnapshotsCommand, { SnapshotType: "shared" })
        .rejectsOnce(sdkError("ThrottlingException", "Rate exceeded"))
        .resolves({ DBSnapshots: [sharedDb(SOURCE_A, "snapshot-dr-dr-after-throttle")] });

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN it waited once and imported
      expect(sleep).toHaveBeenCalledTimes(1);
      expect(result.imported).toEqual([`snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-after-throttle`]);
    });

    test("persistent throttling of a copy gives up after 6 attempts and leaves the imports to the next run", async () => {
      // GIVEN every copy attempt is throttled
      givenShared([sharedDb(SOURCE_A, "snapshot-dr-dr-throttled")]);
      primaryMock.on(CopyDBSnapshotCommand).rejects(sdkError("Throttling", "Rate exceeded"));

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN it gives up this run without failing it
      await expect(outcome).resolves.toMatchObject({ imported: [], deferred: ["import: Throttling in eu-west-1"] });
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(6);
      expect(sleep).toHaveBeenCalledTimes(5);
    });
  });

  describe("secondary region", () => {
    test("copies available import copies with the secondary region's client under the secondary key, unless there", async () => {
      // GIVEN import copies here: one available (DB), one available (cluster), one still creating, one already
      // in the secondary region
      const dbCopy = importDb(REGION, "snapshot-dr-imp-111111111111-orders");
      const clusterCopy = importCluster(REGION, "snapshot-dr-imp-111111111111-ledger");
      givenManual(
        primaryMock,
        [dbCopy, importDb(REGION, "snapshot-dr-imp-111111111111-creating", { Status: "creating" }), importDb(REGION, "snapshot-dr-imp-111111111111-done")],
        [clusterCopy],
      );
      givenManual(secondaryMock, [importDb(SECONDARY, "snapshot-dr-imp-111111111111-done")]);

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN the secondary client copied by source ARN under the secondary key, keeping marker and provenance
      const dbCopies = secondaryMock.commandCalls(CopyDBSnapshotCommand);
      expect(dbCopies.map((call) => call.args[0].input)).toEqual([
        {
          SourceDBSnapshotIdentifier: dbCopy.DBSnapshotArn,
          TargetDBSnapshotIdentifier: "snapshot-dr-imp-111111111111-orders",
          KmsKeyId: SECONDARY_KMS_KEY_ARN,
          Tags: dbCopy.TagList,
        },
      ]);
      expect(secondaryMock.commandCalls(CopyDBClusterSnapshotCommand).map((call) => call.args[0].input)).toEqual([
        {
          SourceDBClusterSnapshotIdentifier: clusterCopy.DBClusterSnapshotArn,
          TargetDBClusterSnapshotIdentifier: "snapshot-dr-imp-111111111111-ledger",
          KmsKeyId: SECONDARY_KMS_KEY_ARN,
          Tags: clusterCopy.TagList,
        },
      ]);
      // AND the source ARN is in this region, so the SDK presigns the request for it (see the next test)
      expect(dbCopies[0].args[0].input.SourceDBSnapshotIdentifier).toContain(`:rds:${REGION}:`);
      expect(primaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
      expect(result.copiedToSecondary).toEqual([
        "snapshot-dr-imp-111111111111-orders",
        "snapshot-dr-imp-111111111111-ledger",
      ]);
    });

    test("the SDK presigns the cross-region copy for the source region (what SourceRegion did in other SDKs)", async () => {
      // GIVEN a real RDS client for the secondary region whose HTTP layer records requests and answers empty
      const requests: { hostname: string; body: string }[] = [];
      const requestHandler = {
        handle: async (request: { hostname: string; body?: unknown }) => {
          const body = String(request.body);
          requests.push({ hostname: request.hostname, body });
          const action = /Action=(\w+)/.exec(body)?.[1] ?? "Unknown";
          const xml =
            `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result></${action}Result>` +
            `<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`;
          return { response: { statusCode: 200, headers: { "content-type": "text/xml" }, body: Buffer.from(xml) } };
        },
      };
      const realSecondary = new RDSClient({
        region: SECONDARY,
        maxAttempts: 1,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
        requestHandler: requestHandler as unknown as RDSClientConfig["requestHandler"],
      });
      const dbCopy = importDb(REGION, "snapshot-dr-imp-111111111111-orders");
      givenManual(primaryMock, [dbCopy]);
      handle = createHandler({ rds: primaryClient, secondaryRds: realSecondary, settings: SETTINGS, now: () => NOW, sleep });

      // WHEN the hourly run starts
      await handle(scheduledEvent);

      // THEN the copy went to the secondary region's endpoint with a PreSignedUrl for the source region
      const copy = requests.find((request) => request.body.includes("Action=CopyDBSnapshot"));
      expect(copy?.hostname).toBe(`rds.${SECONDARY}.amazonaws.com`);
      const params = new URLSearchParams(copy!.body);
      expect(params.get("SourceDBSnapshotIdentifier")).toBe(dbCopy.DBSnapshotArn);
      expect(params.get("KmsKeyId")).toBe(SECONDARY_KMS_KEY_ARN);
      const presigned = new URL(params.get("PreSignedUrl")!);
      expect(presigned.hostname).toBe(`rds.${REGION}.amazonaws.com`);
      expect(presigned.searchParams.get("Action")).toBe("CopyDBSnapshot");
      expect(presigned.searchParams.get("DestinationRegion")).toBe(SECONDARY);
      expect(presigned.searchParams.get("KmsKeyId")).toBe(SECONDARY_KMS_KEY_ARN);
      expect(presigned.searchParams.get("SourceDBSnapshotIdentifier")).toBe(dbCopy.DBSnapshotArn);
      expect(presigned.searchParams.get("X-Amz-Credential")).toContain(`/${REGION}/rds/aws4_request`);
    });

    test("without SECONDARY_REGION nothing is copied to or listed in another region", async () => {
      // GIVEN settings without a secondary region and an available import copy
      const settings = readSettings(PRIMARY_ONLY_ENV);
      handle = createHandler({ rds: primaryClient, settings, now: () => NOW, sleep });
      givenManual(primaryMock, [importDb(REGION, "snapshot-dr-imp-111111111111-orders")]);

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN the secondary client was never used
      expect(secondaryMock.calls()).toHaveLength(0);
      expect(result.copiedToSecondary).toEqual([]);
    });
  });

  describe("retention", () => {
    test("deletes only expired import copies, in both regions, both kinds", async () => {
      // GIVEN import copies and lookalikes of various ages in both regions
      givenManual(
        primaryMock,
        [
          importDb(REGION, "snapshot-dr-imp-111111111111-old", { SnapshotCreateTime: daysAgo(8) }),
          importDb(REGION, "snapshot-dr-imp-111111111111-recent", { SnapshotCreateTime: daysAgo(6) }),
          importDb(REGION, "snapshot-dr-imp-111111111111-old-creating", { SnapshotCreateTime: daysAgo(9), Status: "creating" }),
          importDb(REGION, "someones-manual-snapshot", { SnapshotCreateTime: daysAgo(90) }),
          importDb(REGION, "snapshot-dr-imp-untagged", { SnapshotCreateTime: daysAgo(90), TagList: [] }),
          importDb(REGION, "snapshot-dr-imp-111111111111-old-secondary-busy", { SnapshotCreateTime: daysAgo(8) }),
        ],
        [importCluster(REGION, "snapshot-dr-imp-111111111111-ledger-old", { SnapshotCreateTime: daysAgo(10) })],
      );
      givenManual(
        secondaryMock,
        [
          importDb(SECONDARY, "snapshot-dr-imp-111111111111-old", { SnapshotCreateTime: daysAgo(7.5) }),
          importDb(SECONDARY, "snapshot-dr-imp-111111111111-recent", { SnapshotCreateTime: daysAgo(6) }),
          importDb(SECONDARY, "snapshot-dr-imp-111111111111-old-secondary-busy", { SnapshotCreateTime: daysAgo(0), Status: "copying" }),
        ],
        [importCluster(SECONDARY, "snapshot-dr-imp-111111111111-ledger-old", { SnapshotCreateTime: daysAgo(10) })],
      );

      // WHEN the hourly run starts
      const result = await handle(scheduledEvent);

      // THEN exactly the expired, settled, marked copies with the prefix were deleted where they live
      expect(primaryMock.commandCalls(DeleteDBSnapshotCommand).map((call) => call.args[0].input)).toEqual([
        { DBSnapshotIdentifier: "snapshot-dr-imp-111111111111-old" },
      ]);
      expect(primaryMock.commandCalls(DeleteDBClusterSnapshotCommand).map((call) => call.args[0].input)).toEqual([
        { DBClusterSnapshotIdentifier: "snapshot-dr-imp-111111111111-ledger-old" },
      ]);
      expect(secondaryMock.commandCalls(DeleteDBSnapshotCommand).map((call) => call.args[0].input)).toEqual([
        { DBSnapshotIdentifier: "snapshot-dr-imp-111111111111-old" },
      ]);
      expect(secondaryMock.commandCalls(DeleteDBClusterSnapshotCommand).map((call) => call.args[0].input)).toEqual([
        { DBClusterSnapshotIdentifier: "snapshot-dr-imp-111111111111-ledger-old" },
      ]);
      expect(result.deleted).toEqual([
        `${REGION}:snapshot-dr-imp-111111111111-old`,
        `${SECONDARY}:snapshot-dr-imp-111111111111-old`,
        `${REGION}:snapshot-dr-imp-111111111111-ledger-old`,
        `${SECONDARY}:snapshot-dr-imp-111111111111-ledger-old`,
      ]);
      // AND expired copies are not copied to the secondary region
      expect(secondaryMock.commandCalls(CopyDBSnapshotCommand)).toHaveLength(0);
    });

    test("one failed deletion does not stop the others", async () => {
      // GIVEN two expired import copies; the first cannot be deleted
      givenManual(primaryMock, [
        importDb(REGION, "snapshot-dr-imp-111111111111-a", { SnapshotCreateTime: daysAgo(30) }),
        importDb(REGION, "snapshot-dr-imp-111111111111-b", { SnapshotCreateTime: daysAgo(30) }),
      ]);
      primaryMock
        .on(DeleteDBSnapshotCommand, { DBSnapshotIdentifier: "snapshot-dr-imp-111111111111-a" })
        .rejects(sdkError("InvalidDBSnapshotStateFault", "busy"));

      // WHEN the hourly run starts
      const outcome = handle(scheduledEvent);

      // THEN both were tried and the failure names the first
      await expect(outcome).rejects.toThrow(
        new RegExp(`delete of DB snapshot snapshot-dr-imp-111111111111-a in ${REGION} \\(InvalidDBSnapshotStateFault: busy\\)`),
      );
      expect(primaryMock.commandCalls(DeleteDBSnapshotCommand)).toHaveLength(2);
    });
  });

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

  describe("import identifiers", () => {
    test("are prefix, source account and sanitized id; hashed when too long for a cluster snapshot", () => {
      // GIVEN a short and a long transit copy name
      const long = `snapshot-dr-dr-rds-ledger-production-primary-cluster-2025-06-01-11-05-1a2b3c4d`;

      // WHEN import identifiers are derived
      const instance = importCopyIdentifier(PREFIX, SOURCE_A, "snapshot-dr-dr-orders", "instance");
      const cluster = importCopyIdentifier(PREFIX, SOURCE_A, long, "cluster");
      const otherAccount = importCopyIdentifier(PREFIX, SOURCE_B, long, "cluster");

      // THEN they are valid, bounded, deterministic and distinct per source account
      expect(instance).toBe(`snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-orders`);
      expect(cluster).toHaveLength(63);
      expect(cluster).toMatch(new RegExp(`^snapshot-dr-imp-${SOURCE_A}-snapshot-dr-dr-rds-ledger-[0-9a-f]{8}$`));
      expect(isValidSnapshotIdentifier(cluster, "cluster")).toBe(true);
      expect(importCopyIdentifier(PREFIX, SOURCE_A, long, "cluster")).toBe(cluster);
      expect(otherAccount).not.toBe(cluster);
    });

    test("sanitize invalid characters of a shared automated-looking name", () => {
      // GIVEN a name with a colon and underscores
      // WHEN the identifier is derived
      const identifier = importCopyIdentifier(PREFIX, SOURCE_A, "rds:odd__name", "instance");

      // THEN it is valid and hashed
      expect(identifier).toMatch(new RegExp(`^snapshot-dr-imp-${SOURCE_A}-rds-odd-name-[0-9a-f]{8}$`));
      expect(isValidSnapshotIdentifier(identifier, "instance")).toBe(true);
    });
  });
});
