import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { FunctionNames, functionSupportStatements } from "../lambda/event-driven-function";
import { DLM_POLICY_TAG } from "./snapshot-lock/lock-plan";

/** What the snapshot lock function's permissions depend on: nothing that grows with the source accounts. */
export interface SnapshotLockRolePolicyProps {
  readonly partition: string;
  readonly drAccountId: string;
  /** The copy regions, where the function runs. */
  readonly regions: readonly string[];
  readonly functionNames: FunctionNames;
}

/**
 * List the region's snapshots and locks, and lock DLM's copies (the snapshots that carry DLM's lifecycle tag)
 * in the copy regions; nothing else. It can neither unlock nor delete.
 */
export function snapshotLockRolePolicy(props: SnapshotLockRolePolicyProps): PolicyDocument {
  return policyDocument([
    {
      Sid: "ReadSnapshotsAndLocks",
      Effect: "Allow",
      Action: ["ec2:DescribeSnapshots", "ec2:DescribeLockedSnapshots"],
      Resource: "*", // the list calls name no resource
    },
    {
      Sid: "LockDlmCopies",
      Effect: "Allow",
      Action: "ec2:LockSnapshot",
      Resource: props.regions.map((region) => `arn:${props.partition}:ec2:${region}::snapshot/*`),
      Condition: { Null: { [`aws:ResourceTag/${DLM_POLICY_TAG}`]: "false" } },
    },
    ...functionSupportStatements(props.partition, props.drAccountId, props.regions, props.functionNames),
  ]);
}
