import { PolicyDocument, policyDocument, PolicyStatement } from "../iam/policy-document";
import { accountAdministersKey } from "../kms/key-administration";

/** What the KMS-A key policy of a source account depends on. */
export interface KmsAKeyPolicyProps {
  readonly partition: string;
  readonly sourceAccountId: string;
  readonly drAccountId: string;
  /** The source account's DLM execution role, which snapshots the volumes. */
  readonly sourceDlmRoleArn: string;
  /**
   * `ec2.*.amazonaws.com`: the key is used only through EC2, of any region (a DLM copy to another region
   * reaches the key through EC2 of the destination region).
   */
  readonly ec2AnyRegionViaService: string;
}

/** Seed 000 step 2: who may use the shared key (the source DLM role and the DR account). */
export function kmsASharingPrincipals(props: KmsAKeyPolicyProps): string[] {
  return [props.sourceDlmRoleArn, `arn:${props.partition}:iam::${props.drAccountId}:root`];
}

/**
 * What the DR account's copy of a shared snapshot does with the key it copies from: EC2 decrypts the snapshot's
 * data key (a copy to another region or key) or re-encrypts it from this key (same region), and creates a grant;
 * EBS never asks KMS to encrypt with a key (AWS KMS, "How Amazon EBS uses AWS KMS"), and data keys for the copy
 * come from the destination key (KMS-C). Seed 000 step 2 grants `kms:Encrypt`, `kms:ReEncrypt*` and
 * `kms:GenerateDataKey*` too: more than a DLM cross-account copy needs from the source key.
 */
export const SHARED_SNAPSHOT_COPY_ACTIONS = ["kms:Decrypt", "kms:ReEncryptFrom"] as const;

/** Seed 000 step 2's use of the key by the source DLM role, without `kms:Encrypt` (EBS never calls it). */
export const SOURCE_DLM_KEY_ACTIONS = ["kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"] as const;

/**
 * Seed 000 step 2's two statements (use of the key; attachment of persistent resources, for AWS resources
 * only), tightened: the DR account's use limited to what copying a shared snapshot needs (no `kms:Encrypt`, no
 * data keys), nobody given `kms:Encrypt`, and every use and grant only through EC2, so that the DR account
 * cannot use the source key as an encryption service; describing the key stays open to them. They are what an
 * existing key's policy needs too (see the synthesis notices).
 */
export function kmsASharingStatements(props: KmsAKeyPolicyProps): PolicyStatement[] {
  const principals = { AWS: kmsASharingPrincipals(props) };
  const throughEc2 = { "kms:ViaService": props.ec2AnyRegionViaService };
  return [
    {
      Sid: "AllowUseOfTheKeyThroughEc2",
      Effect: "Allow",
      Principal: { AWS: props.sourceDlmRoleArn },
      Action: [...SOURCE_DLM_KEY_ACTIONS],
      Resource: "*",
      Condition: { StringLike: throughEc2 },
    },
    {
      Sid: "AllowDrAccountToCopyFromTheKeyThroughEc2",
      Effect: "Allow",
      Principal: { AWS: `arn:${props.partition}:iam::${props.drAccountId}:root` },
      Action: [...SHARED_SNAPSHOT_COPY_ACTIONS],
      Resource: "*",
      Condition: { StringLike: throughEc2 },
    },
    {
      Sid: "AllowDescribeKey",
      Effect: "Allow",
      Principal: principals,
      Action: "kms:DescribeKey",
      Resource: "*",
    },
    {
      Sid: "AllowAttachmentOfPersistentResources",
      Effect: "Allow",
      Principal: principals,
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: { StringLike: throughEc2, Bool: { "kms:GrantIsForAWSResource": "true" } },
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
