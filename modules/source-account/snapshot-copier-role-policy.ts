import { EBS_COPY_KEY_ACTIONS } from "../dr-account/kms-b-key-policy";
import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { anyRegionViaService, denyOutsideRegions } from "../iam/region-scope";
import { FunctionNames, functionSupportStatements } from "../lambda/event-driven-function";

/** What the snapshot copier's permissions depend on; all of it derives from the configuration. */
export interface SnapshotCopierRolePolicyProps {
  readonly partition: string;
  readonly sourceAccountId: string;
  readonly drAccountId: string;
  readonly regions: readonly string[];
  /** `kms:ViaService` of EC2 in each region (same order as regions). */
  readonly ec2ViaServices: readonly string[];
  /** The tag that marks transit copies: the only snapshots the copier may share or delete. */
  readonly transitTagKey: string;
  readonly transitTagValue: string;
  /** The copier's function and dead-letter queue names (the same in every region). */
  readonly functionNames: FunctionNames;
}

/**
 * The snapshot copier may do only what the re-encryption flow needs, on only these resources: read
 * snapshots, copy them (tagging the copy as it is created), share transit copies with the DR account and
 * nobody else, delete transit copies, use keys through EC2 in its regions (its own, and the DR account's,
 * where KMS-B's key policy is the gate), and report failures.
 *
 * Its size does not depend on the number of regions: ARNs name every region, and one Deny keeps the role's
 * actions to its configured regions (`aws:RequestedRegion`).
 */
export function snapshotCopierRolePolicy(props: SnapshotCopierRolePolicyProps): PolicyDocument {
  const snapshots = `arn:${props.partition}:ec2:*::snapshot/*`;
  const keysOf = (accountId: string) => `arn:${props.partition}:kms:*:${accountId}:key/*`;
  const throughEc2 = { "kms:ViaService": anyRegionViaService(props.ec2ViaServices[0]) };
  const transitCopy = { [`aws:ResourceTag/${props.transitTagKey}`]: props.transitTagValue };
  const ec2Writes = ["ec2:CopySnapshot", "ec2:CreateTags", "ec2:ModifySnapshotAttribute", "ec2:DeleteSnapshot"];
  return policyDocument([
    {
      Sid: "ReadSnapshots",
      Effect: "Allow",
      Action: "ec2:DescribeSnapshots",
      Resource: "*", // DescribeSnapshots supports no resource-level permissions
    },
    {
      Sid: "CopySnapshots",
      Effect: "Allow",
      Action: "ec2:CopySnapshot",
      Resource: snapshots,
    },
    {
      Sid: "TagCopiesWhenCreated",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: snapshots,
      Condition: { StringEquals: { "ec2:CreateAction": "CopySnapshot" } },
    },
    {
      Sid: "ShareTransitCopiesWithDrAccountOnly",
      Effect: "Allow",
      Action: "ec2:ModifySnapshotAttribute",
      Resource: snapshots,
      // A request that makes the copy public adds a group, not a user ID, so it does not match.
      Condition: { StringEquals: { ...transitCopy, "ec2:Add/userId": props.drAccountId } },
    },
    {
      Sid: "DeleteTransitCopies",
      Effect: "Allow",
      Action: "ec2:DeleteSnapshot",
      Resource: snapshots,
      Condition: { StringEquals: transitCopy },
    },
    {
      Sid: "UseKeysThroughEc2",
      Effect: "Allow",
      Action: [...EBS_COPY_KEY_ACTIONS],
      Resource: [keysOf(props.sourceAccountId), keysOf(props.drAccountId)],
      Condition: { StringLike: throughEc2 },
    },
    {
      Sid: "GrantToEbsThroughEc2",
      Effect: "Allow",
      Action: "kms:CreateGrant",
      Resource: [keysOf(props.sourceAccountId), keysOf(props.drAccountId)],
      Condition: { StringLike: throughEc2, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    ...functionSupportStatements(props.partition, props.sourceAccountId, ["*"], props.functionNames),
    denyOutsideRegions([...ec2Writes, ...EBS_COPY_KEY_ACTIONS, "kms:CreateGrant"], props.regions),
  ]);
}
