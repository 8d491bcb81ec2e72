import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { anyRegionViaService, denyOutsideRegions } from "../iam/region-scope";
import { FunctionNames, functionSupportStatements } from "../lambda/event-driven-function";

/** What the RDS copier's permissions depend on. */
export interface RdsSnapshotCopierRolePolicyProps {
  readonly partition: string;
  readonly sourceAccountId: string;
  readonly regions: readonly string[];
  /** `rds.<region>.amazonaws.com` of each region. */
  readonly rdsViaServices: readonly string[];
  /** Identifier prefix and tag of the transit copies: the only snapshots it may share or delete. */
  readonly transitPrefix: string;
  readonly transitTagKey: string;
  readonly transitTagValue: string;
  readonly functionNames: FunctionNames;
}

/**
 * The RDS copier (seed 004, source side): read snapshots and their databases' tags, copy snapshots under the
 * custom key, tag the copies, share and delete only its transit copies, and use keys only through RDS.
 * RDS has no condition key for the account a snapshot is shared with: the code shares only with the DR
 * account, and only the DR account may use the custom key.
 *
 * Its size does not depend on the number of regions: ARNs name every region, and one Deny keeps the role's
 * actions to its configured regions (`aws:RequestedRegion`).
 */
export function rdsSnapshotCopierRolePolicy(props: RdsSnapshotCopierRolePolicyProps): PolicyDocument {
  const { partition, sourceAccountId: account } = props;
  const arns = (type: string, name: string) => [`arn:${partition}:rds:*:${account}:${type}:${name}`];
  const transitCopies = [...arns("snapshot", `${props.transitPrefix}*`), ...arns("cluster-snapshot", `${props.transitPrefix}*`)];
  const ownKeys = `arn:${partition}:kms:*:${account}:key/*`;
  const throughRds = { "kms:ViaService": anyRegionViaService(props.rdsViaServices[0]) };
  const keyUse = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"];
  const writes = [
    "rds:CopyDBSnapshot",
    "rds:CopyDBClusterSnapshot",
    "rds:AddTagsToResource",
    "rds:ModifyDBSnapshotAttribute",
    "rds:ModifyDBClusterSnapshotAttribute",
    "rds:DeleteDBSnapshot",
    "rds:DeleteDBClusterSnapshot",
  ];
  return policyDocument([
    {
      Sid: "ReadSnapshots",
      Effect: "Allow",
      Action: ["rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots"],
      Resource: "*", // the list calls name no resource
    },
    {
      Sid: "ReadDatabaseTags",
      Effect: "Allow",
      Action: "rds:ListTagsForResource",
      Resource: [...arns("db", "*"), ...arns("cluster", "*"), ...arns("snapshot", "*"), ...arns("cluster-snapshot", "*")],
    },
    {
      Sid: "CopySnapshots",
      Effect: "Allow",
      Action: ["rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot"],
      Resource: [...arns("snapshot", "*"), ...arns("cluster-snapshot", "*")],
    },
    {
      Sid: "TagTransitCopies",
      Effect: "Allow",
      Action: "rds:AddTagsToResource",
      Resource: transitCopies,
    },
    {
      Sid: "ReadTransitCopySharing",
      Effect: "Allow",
      Action: ["rds:DescribeDBSnapshotAttributes", "rds:DescribeDBClusterSnapshotAttributes"],
      Resource: transitCopies,
    },
    {
      Sid: "ShareAndDeleteTransitCopies",
      Effect: "Allow",
      Action: ["rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute", "rds:DeleteDBSnapshot", "rds:DeleteDBClusterSnapshot"],
      Resource: transitCopies,
      Condition: { StringEquals: { [`aws:ResourceTag/${props.transitTagKey}`]: props.transitTagValue } },
    },
    {
      Sid: "UseOwnKeysThroughRds",
      Effect: "Allow",
      Action: keyUse,
      Resource: ownKeys,
      Condition: { StringLike: throughRds },
    },
    {
      Sid: "GrantToRdsThroughRds",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: ownKeys,
      Condition: { StringLike: throughRds, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    ...functionSupportStatements(partition, account, ["*"], props.functionNames),
    denyOutsideRegions([...writes, ...keyUse, "kms:CreateGrant"], props.regions),
  ]);
}
