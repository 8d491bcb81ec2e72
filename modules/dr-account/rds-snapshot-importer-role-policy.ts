import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { FunctionNames, functionSupportStatements } from "../lambda/event-driven-function";

/** What the RDS importer's permissions depend on. */
export interface RdsSnapshotImporterRolePolicyProps {
  readonly partition: string;
  readonly drAccountId: string;
  /** The organizations of the source accounts that share RDS snapshots with the DR account. */
  readonly sourceOrganizationIds: readonly string[];
  /** `kms:ViaService` of RDS in a region; called with `*` for every region (`rds.*.amazonaws.com`). */
  readonly rdsViaService: (region: string) => string;
  readonly importPrefix: string;
  readonly importTagKey: string;
  readonly importTagValue: string;
  readonly functionNames: FunctionNames;
}

/**
 * The RDS importer (seed 004, DR side): copy snapshots shared by the source organizations into the DR account
 * under its own keys, copy those to a secondary region, and delete its expired copies. It may use the source
 * accounts' keys only through RDS (their key policies say the same).
 *
 * Its size does not depend on the number of source accounts or regions: a wildcard account and region in the
 * ARNs of shared snapshots and source keys, narrowed to the source organizations by `aws:ResourceOrgID` (a
 * global condition key: "AWS global condition context keys"; "AWS KMS supports all global condition keys"),
 * and `kms:ViaService` with `StringLike` `rds.*.<suffix>`. Only snapshots explicitly shared with the DR account
 * can be copied at all; the source key policies still name the DR account and their own region's RDS.
 */
export function rdsSnapshotImporterRolePolicy(props: RdsSnapshotImporterRolePolicyProps): PolicyDocument {
  const { partition, drAccountId } = props;
  if (props.sourceOrganizationIds.length === 0) throw new Error("The RDS importer policy needs at least one source organization");
  const ownCopies = ["snapshot", "cluster-snapshot"].map((type) => `arn:${partition}:rds:*:${drAccountId}:${type}:${props.importPrefix}*`);
  const sharedSnapshots = ["snapshot", "cluster-snapshot"].map((type) => `arn:${partition}:rds:*:*:${type}:*`);
  const ofSourceOrganizations = { "aws:ResourceOrgID": [...props.sourceOrganizationIds].sort() };
  const throughRds = { "kms:ViaService": props.rdsViaService("*") };
  const keyUse = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];
  const forAwsResource = { "kms:GrantIsForAWSResource": "true" };
  return policyDocument([
    {
      Sid: "ReadSnapshots",
      Effect: "Allow",
      Action: ["rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots"],
      Resource: "*", // the list calls name no resource
    },
    {
      Sid: "CopySnapshotsSharedBySourceOrganizations",
      Effect: "Allow",
      Action: ["rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot"],
      Resource: sharedSnapshots,
      Condition: { StringEquals: ofSourceOrganizations },
    },
    {
      Sid: "CopyIntoOwnCopies",
      Effect: "Allow",
      Action: ["rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot"],
      Resource: ownCopies,
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
      Sid: "UseSourceKeysThroughRds",
      Effect: "Allow",
      Action: keyUse,
      Resource: `arn:${partition}:kms:*:*:key/*`,
      Condition: { StringLike: throughRds, StringEquals: ofSourceOrganizations },
    },
    {
      Sid: "GrantToRdsOnSourceKeys",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: `arn:${partition}:kms:*:*:key/*`,
      Condition: { StringLike: throughRds, StringEquals: ofSourceOrganizations, Bool: forAwsResource },
    },
    {
      Sid: "UseOwnKeysThroughRds",
      Effect: "Allow",
      Action: keyUse,
      Resource: `arn:${partition}:kms:*:${drAccountId}:key/*`,
      Condition: { StringLike: throughRds },
    },
    {
      Sid: "GrantToRdsOnOwnKeys",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: `arn:${partition}:kms:*:${drAccountId}:key/*`,
      Condition: { StringLike: throughRds, Bool: forAwsResource },
    },
    // Its log groups and dead-letter queues have the same names in every region.
    ...functionSupportStatements(partition, drAccountId, ["*"], props.functionNames),
  ]);
}
