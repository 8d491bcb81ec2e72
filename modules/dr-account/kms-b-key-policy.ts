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
  /**
   * `arn:<partition>:iam::*:role/<copier role name>`: only the snapshot copier's role, in any account of the source
   * organizations, may use KMS-B (one value, whatever the number of source accounts).
   */
  readonly copierRoleArnPattern: string;
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

const COPIER_ROLE_ARN_PATTERN = /^arn:(aws|aws-cn|aws-us-gov):iam::\*:role\/[\w+=,.@-]{1,64}$/;

/**
 * KMS-B: the DR account's key that source accounts copy their snapshots under (seed 001). The DR account
 * administers it; the snapshot copier role of the source organizations' accounts may use it only through EC2 in
 * this region, and may create grants only for AWS resources (the grant EBS keeps on the copy). Any other role of
 * those organizations (a workload role) can neither use it nor make EC2 create grants on it (a grant quota an
 * attacker could otherwise exhaust).
 *
 * `aws:PrincipalArn` is the role's ARN for every session of the role, not the assumed-role session ARN (IAM,
 * "AWS global condition context keys"), and when EC2 calls KMS on the copier's behalf (`kms:ViaService`), KMS
 * evaluates the request, grants included, as the copier's (AWS KMS, "kms:ViaService"): the condition holds for
 * the calls CopySnapshot makes.
 */
export function kmsBKeyPolicy(props: KmsBKeyPolicyProps): PolicyDocument {
  if (!COPIER_ROLE_ARN_PATTERN.test(props.copierRoleArnPattern)) {
    throw new Error(`Expected the copier role ARN pattern to be arn:<partition>:iam::*:role/<name>, got '${props.copierRoleArnPattern}'`);
  }
  const statements: PolicyStatement[] = [
    accountAdministersKey(props.partition, props.drAccountId, "DrAccountAdministersKey"),
  ];
  if (!props.lockDown) {
    const sourceOrganizationThroughEc2 = {
      StringEquals: { "aws:PrincipalOrgID": [...props.sourceOrganizationIds].sort(), "kms:ViaService": props.ec2ViaService },
      ArnLike: { "aws:PrincipalArn": props.copierRoleArnPattern },
    };
    statements.push(
      {
        Sid: "SourceOrganizationsCopySnapshotsThroughEc2",
        Effect: "Allow",
        Principal: "*",
        Action: [...EBS_COPY_KEY_ACTIONS],
        Resource: "*",
        Condition: sourceOrganizationThroughEc2,
      },
      {
        Sid: "SourceOrganizationsGrantToEbsThroughEc2",
        Effect: "Allow",
        Principal: "*",
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { ...sourceOrganizationThroughEc2, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
    );
  }
  return policyDocument(statements);
}
