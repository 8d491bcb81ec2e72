/**
 * The description the snapshot copier writes on a transit copy; the DR account's event policy matches it
 * (see `transitCopyContract` in modules/config/naming.ts). No imports: the Lambda bundle includes this file.
 */
export function transitCopyDescription(descriptionPrefix: string, snapshotId: string, accountId: string): string {
  return `${descriptionPrefix} ${snapshotId} from ${accountId}`;
}
