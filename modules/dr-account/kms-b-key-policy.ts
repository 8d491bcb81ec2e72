import { PolicyDocument, policyDocument, PolicyStatement } from "../iam/policy-document";
import { accountAdministersKey } from "../kms/key-administration";

/** What the KMS-B key policy of one region depends on. */
export interface KmsBKeyPolicyProps {
  readonly partition: string;
  readonly drAccountId: string;
  /** The source organizations whose principals may copy snapshots under KMS-B. */
  readonly sourceOrganizationIds: readonly string[];
  /** `ec2.<region>.amazonaws.com`: KMS-B is usable only through EC2 in its own region. */
  readonly ec2ViaService: string;
  /** Seed 001's "lock down KMS-B": drop the source organizations' statements (after a migration). */
  readonly lockDown: boolean;
}

/**
 * The actions EC2 performs with the caller's permissions when it copies a snapshot under a key
 * (CopySnapshot with KmsKeyId): describe the key, wrap a data key for the new snapshot, re-encrypt the
 * source snapshot's data key to it, and decrypt it while copying. Not `kms:*`: key administration, policy
 * changes and deletion stay with the DR account.
 */
export const EBS_COPY_KEY_ACTIONS = [
  "kms:Decrypt",
  "kms:DescribeKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
] as const;

/**
 * KMS-B: the DR account's key that source accounts copy their snapshots under (seed 001). The DR account
 * administers it; principals of the source organizations may use it only through EC2 in this region, and
 * may create grants only for AWS resources (the grant EBS keeps on the copy).
 */
export function kmsBKeyPolicy(props: KmsBKeyPolicyProps): PolicyDocument {
  const statements: PolicyStatement[] = [
    accountAdministersKey(props.partition, props.drAccountId, "DrAccountAdministersKey"),
  ];
  if (!props.lockDown) {
    const sourceOrganizationThroughEc2 = {
      "aws:PrincipalOrgID": [...props.sourceOrganizationIds].sort(),
      "kms:ViaService": props.ec2ViaService,
    };
    statements.push(
      {
        Sid: "SourceOrganizationsCopySnapshotsThroughEc2",
        Effect: "Allow",
        Principal: "*",
        Action: [...EBS_COPY_KEY_ACTIONS],
        Resource: "*",
        Condition: { StringEquals: sourceOrganizationThroughEc2 },
      },
      {
        Sid: "SourceOrganizationsGrantToEbsThroughEc2",
        Effect: "Allow",
        Principal: "*",
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: {
          StringEquals: sourceOrganizationThroughEc2,
          Bool: { "kms:GrantIsForAWSResource": "true" },
        },
      },
    );
  }
  return policyDocument(statements);
}
