import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  RDSClient,
  type RDSClientConfig,
} from "@aws-sdk/client-rds";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { createHandler, readSettings, type RdsSnapshotImporterHandler } from "../../modules/dr-account/rds-snapshot-importer/handler";
import {
  NOW,
  PRIMARY_ONLY_ENV,
  REGION,
  SECONDARY,
  SECONDARY_KMS_KEY_ARN,
  SETTINGS,
  daysAgo,
  givenManual,
  importCluster,
  importDb,
  importerWithClientsUnderTest,
  restoreImporterMocks,
  scheduledEvent,
  sdkError,
} from "./rds-importer-fixtures";

/** What becomes of the import copies: their copy to the secondary region, and their deletion once expired. */
describe("RDS snapshot importer handler", () => {
  let primaryMock: AwsClientStub<RDSClient>;
  let secondaryMock: AwsClientStub<RDSClient>;
  let primaryClient: RDSClient;
  let sleep: jest.Mock<Promise<void>, [number]>;
  let handle: RdsSnapshotImporterHandler;

  beforeEach(() => ({ primaryClient, primaryMock, secondaryMock, sleep, handle } = importerWithClientsUnderTest(NOW)));

  afterEach(() => restoreImporterMocks(primaryMock, secondaryMock));

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
});
