import { PolicyDocument, policyDocument } from "../iam/policy-document";
import { accountAdministersKey } from "../kms/key-administration";

/** What the source RDS key's policy depends on. */
export interface RdsSourceKeyPolicyProps {
  readonly partition: string;
  readonly sourceAccountId: string;
  readonly drAccountId: string;
  /** `rds.<region>.amazonaws.com`: the DR account may use the key only through RDS in its region. */
  readonly rdsViaService: string;
}

/**
 * The source account's custom key for RDS copies (seed 004): a snapshot under it can be shared, and the DR
 * account may use it to copy the shared snapshot, only through RDS in this region.
 */
export function rdsSourceKeyPolicy(props: RdsSourceKeyPolicyProps): PolicyDocument {
  const drAccount = { AWS: `arn:${props.partition}:iam::${props.drAccountId}:root` };
  const throughRds = { "kms:ViaService": props.rdsViaService };
  return policyDocument([
    accountAdministersKey(props.partition, props.sourceAccountId),
    {
      Sid: "DrAccountCopiesSharedSnapshotsThroughRds",
      Effect: "Allow",
      Principal: drAccount,
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      Resource: "*",
      Condition: { StringEquals: throughRds },
    },
    {
      Sid: "DrAccountGrantsToRdsThroughRds",
      Effect: "Allow",
      Principal: drAccount,
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: { StringEquals: throughRds, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ]);
}
