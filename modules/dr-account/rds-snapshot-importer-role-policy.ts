import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { FunctionNames, functionSupportStatements } from "../lambda/event-driven-function";

/** What the RDS importer's permissions depend on. */
export interface RdsSnapshotImporterRolePolicyProps {
  readonly partition: string;
  readonly drAccountId: string;
  /** Regions the importer runs in (where source accounts share), and the source accounts of each. */
  readonly sourceAccountsByRegion: ReadonlyMap<string, readonly string[]>;
  /** Regions its copies may go to (the import regions and the secondary regions). */
  readonly copyRegions: readonly string[];
  readonly rdsViaService: (region: string) => string;
  readonly importPrefix: string;
  readonly importTagKey: string;
  readonly importTagValue: string;
  readonly functionNames: FunctionNames;
}

/**
 * The RDS importer (seed 004, DR side): copy snapshots shared by the configured source accounts into the DR
 * account under its own keys, copy those to a secondary region, and delete its expired copies. It may use the
 * source accounts' keys only through RDS (their key policies say the same).
 */
export function rdsSnapshotImporterRolePolicy(props: RdsSnapshotImporterRolePolicyProps): PolicyDocument {
  const { partition, drAccountId } = props;
  const importRegions = [...props.sourceAccountsByRegion.keys()];
  const allRegions = [...new Set([...importRegions, ...props.copyRegions])];
  const ownCopies = allRegions.flatMap((region) =>
    ["snapshot", "cluster-snapshot"].map((type) => `arn:${partition}:rds:${region}:${drAccountId}:${type}:${props.importPrefix}*`),
  );
  const sharedSnapshots = [...props.sourceAccountsByRegion].flatMap(([region, accounts]) =>
    accounts.flatMap((account) => ["snapshot", "cluster-snapshot"].map((type) => `arn:${partition}:rds:${region}:${account}:${type}:*`)),
  );
  const sourceKeys = [...props.sourceAccountsByRegion].flatMap(([region, accounts]) =>
    accounts.map((account) => `arn:${partition}:kms:${region}:${account}:key/*`),
  );
  const ownKeys = allRegions.map((region) => `arn:${partition}:kms:${region}:${drAccountId}:key/*`);
  const throughRds = { "kms:ViaService": allRegions.map(props.rdsViaService) };
  return policyDocument([
    {
      Sid: "ReadSnapshots",
      Effect: "Allow",
      Action: ["rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots"],
      Resource: "*", // the list calls name no resource
    },
    {
      Sid: "CopySharedSnapshotsIntoOwnCopies",
      Effect: "Allow",
      Action: ["rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot"],
      Resource: [...sharedSnapshots, ...ownCopies],
    },
    {
      Sid: "TagOwnCopies",
      Effect: "Allow",
      Action: "rds:AddTagsToResource",
      Resource: ownCopies,
    },
    {
      Sid: "DeleteExpiredOwnCopies",
      Effect: "Allow",
      Action: ["rds:DeleteDBSnapshot", "rds:DeleteDBClusterSnapshot"],
      Resource: ownCopies,
      Condition: { StringEquals: { [`aws:ResourceTag/${props.importTagKey}`]: props.importTagValue } },
    },
    {
      Sid: "UseKeysThroughRds",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      Resource: [...sourceKeys, ...ownKeys],
      Condition: { StringEquals: throughRds },
    },
    {
      Sid: "GrantToRdsThroughRds",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: [...sourceKeys, ...ownKeys],
      Condition: { StringEquals: throughRds, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    ...functionSupportStatements(partition, drAccountId, importRegions, props.functionNames),
  ]);
}
