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

/** What the copier knows of the snapshot it copies. */
export interface TransitCopySource {
  readonly accountId: string;
  readonly snapshotId?: string;
  readonly kmsKeyId?: string;
  readonly volumeId?: string;
  readonly startTime?: Date | string;
}

/** The tags of a transit copy, in the order the copier writes them: its provenance, then the transit marker. */
export function transitCopyTags(source: TransitCopySource, marker: { readonly key: string; readonly value: string }): { Key: string; Value?: string }[] {
  return [
    { Key: SOURCE_ACCOUNT_TAG, Value: source.accountId },
    { Key: SOURCE_SNAPSHOT_ID_TAG, Value: source.snapshotId },
    { Key: SOURCE_KMS_KEY_TAG, Value: source.kmsKeyId ?? "unencrypted" },
    { Key: SOURCE_VOLUME_ID_TAG, Value: source.volumeId ?? "unknown" },
    { Key: SOURCE_START_TIME_TAG, Value: source.startTime ? new Date(source.startTime).toISOString() : "unknown" },
    { Key: marker.key, Value: marker.value },
  ];
}
