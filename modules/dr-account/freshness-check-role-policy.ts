import { FunctionNames, functionSupportStatements } from "../lambda/event-driven-function";
import { PolicyDocument, policyDocument } from "../iam/policy-document";

/** What the freshness check's role may do: read, never change. */
export interface FreshnessCheckRolePolicyProps {
  readonly partition: string;
  readonly drAccountId: string;
  /** The regions with a freshness check (its log groups and dead-letter queues). */
  readonly regions: readonly string[];
  readonly functionNames: FunctionNames;
  /**
   * The DR vault's name, when AWS Backup copies arrive.
   * @default - no AWS Backup statement
   */
  readonly backupVaultName?: string;
}

/**
 * The freshness check's role policy. Its size does not depend on the number of source accounts or DLM policies:
 * the list calls name no resource (EC2 DescribeSnapshots, RDS Describe*Snapshots and DLM GetLifecyclePolicies take
 * `*`), the vault is named once with a region wildcard.
 */
export function freshnessCheckRolePolicy(props: FreshnessCheckRolePolicyProps): PolicyDocument {
  return policyDocument([
    {
      Sid: "ListSnapshots",
      Effect: "Allow",
      Action: ["ec2:DescribeSnapshots", "rds:DescribeDBSnapshots", "rds:DescribeDBClusterSnapshots"],
      Resource: "*", // the list calls name no resource
    },
    {
      // Service Authorization Reference, Amazon Data Lifecycle Manager: GetLifecyclePolicies (List) has no resource
      // type and no condition key, so "*". It returns summaries only (ID, description, state, type, tags).
      Sid: "FindDrCopyEventPolicies",
      Effect: "Allow",
      Action: "dlm:GetLifecyclePolicies",
      Resource: "*",
    },
    ...(props.backupVaultName
      ? [
          {
            Sid: "ListRecoveryPointsOfDrVault",
            Effect: "Allow" as const,
            Action: "backup:ListRecoveryPointsByBackupVault",
            Resource: `arn:${props.partition}:backup:*:${props.drAccountId}:backup-vault:${props.backupVaultName}`,
          },
        ]
      : []),
    ...functionSupportStatements(props.partition, props.drAccountId, props.regions, props.functionNames),
  ]);
}
