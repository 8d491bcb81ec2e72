/**
 * The provenance tags the copier writes on every transit copy, besides the transit marker. The copier reads
 * them back to know which snapshot and volume a copy stands for. No imports: the Lambda bundle includes it.
 */
export const SOURCE_ACCOUNT_TAG = "SourceAccount";
export const SOURCE_SNAPSHOT_ID_TAG = "SourceSnapshotId";
export const SOURCE_KMS_KEY_TAG = "SourceKmsKeyId";
export const SOURCE_VOLUME_ID_TAG = "SourceVolumeId";
/** When the source snapshot was taken (ISO 8601): orders the copies of a volume after the source is gone. */
export const SOURCE_START_TIME_TAG = "SourceStartTime";

export const PROVENANCE_TAG_KEYS = [
  SOURCE_ACCOUNT_TAG,
  SOURCE_SNAPSHOT_ID_TAG,
  SOURCE_KMS_KEY_TAG,
  SOURCE_VOLUME_ID_TAG,
  SOURCE_START_TIME_TAG,
] as const;
