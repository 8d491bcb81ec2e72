import { PolicyDocument, policyDocument, PolicyStatement } from "../iam/policy-document";
import { accountAdministersKey } from "../kms/key-administration";

/** What the KMS-A key policy of a source account depends on. */
export interface KmsAKeyPolicyProps {
  readonly partition: string;
  readonly sourceAccountId: string;
  readonly drAccountId: string;
  /** The source account's DLM execution role, which snapshots the volumes. */
  readonly sourceDlmRoleArn: string;
}

/** Seed 000 step 2: who may use the shared key (the source DLM role and the DR account). */
export function kmsASharingPrincipals(props: KmsAKeyPolicyProps): string[] {
  return [props.sourceDlmRoleArn, `arn:${props.partition}:iam::${props.drAccountId}:root`];
}

/**
 * The two statements of seed 000 step 2: use of the key, and attachment of persistent resources (grants
 * for AWS resources only). They are what an existing key's policy needs too (see the synthesis notices).
 */
export function kmsASharingStatements(props: KmsAKeyPolicyProps): PolicyStatement[] {
  const principals = { AWS: kmsASharingPrincipals(props) };
  return [
    {
      Sid: "AllowUseOfTheKey",
      Effect: "Allow",
      Principal: principals,
      Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
      Resource: "*",
    },
    {
      Sid: "AllowAttachmentOfPersistentResources",
      Effect: "Allow",
      Principal: principals,
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}

/**
 * KMS-A (`share` mode): the source account's key for the volumes it protects. The account administers it;
 * its DLM role and the DR account may use it, so that the DR account's event policy can copy the shared
 * snapshots (and re-encrypt them under KMS-C).
 */
export function kmsAKeyPolicy(props: KmsAKeyPolicyProps): PolicyDocument {
  return policyDocument([
    accountAdministersKey(props.partition, props.sourceAccountId),
    ...kmsASharingStatements(props),
  ]);
}
