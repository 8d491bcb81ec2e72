

// ---------------------------------------------------------------------------------------------------------
// The calls each flow makes (written out here, independently of the policies under test)

/** What EC2 does with the caller's permissions when it copies a snapshot under a key (CopySnapshot + KmsKeyId). */
export const EC2_COPY_UNDER_KEY = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant"];
/** What a copy does with the key it copies from, and with the key it copies to. */
export const COPY_FROM_KEY = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom", "kms:CreateGrant"];
export const COPY_TO_KEY = ["kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"];
/** What the source DLM role does with KMS-A while it snapshots volumes encrypted under it. */
export const SNAPSHOT_UNDER_KEY = ["kms:DescribeKey", "kms:CreateGrant"];
/** What AWS Backup (the DR account's service-linked role) does with a source key while copying a recovery point. */
export const BACKUP_COPY_FROM_KEY = ["kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant"];

export const SAMPLE_SNAPSHOT_ID = "snap-0123456789abcdef0";
export const SAMPLE_RECOVERY_POINT_ID = "0f0f0f0f-1111-4222-a333-444455556666";
export const SAMPLE_KEY_ID = "0f0f0f0f-1111-4222-a333-444455556666";
