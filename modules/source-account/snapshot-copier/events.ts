/**
 * The events that start the snapshot copier (no @types/aws-lambda in this project). EBS sends single-volume
 * snapshot and copy results as "EBS Snapshot Notification" and multi-volume snapshot sets (`createSnapshots`)
 * as "EBS Multi-Volume Snapshots Completion Status" (EventBridge events for Amazon EBS).
 */

import type { EventBridgeEvent } from "../../lambda/runtime/eventbridge-event";

export type { EventBridgeEvent } from "../../lambda/runtime/eventbridge-event";

export type SnapshotResult = "succeeded" | "failed";

interface SnapshotNotificationBase {
  readonly result: SnapshotResult;
  readonly cause?: string;
  readonly request_id?: string;
  readonly startTime?: string;
  readonly endTime?: string;
}

export interface CreateSnapshotDetail extends SnapshotNotificationBase {
  readonly event: "createSnapshot";
  /** `arn:aws:ec2::<region>:snapshot/snap-...` */
  readonly snapshot_id: string;
  /** `arn:aws:ec2::<region>:volume/vol-...` */
  readonly source: string;
}

export interface CreateSnapshotsDetail extends SnapshotNotificationBase {
  readonly event: "createSnapshots";
  readonly snapshots: readonly { readonly snapshot_id: string; readonly source: string; readonly status: string }[];
}

export interface CopySnapshotDetail extends SnapshotNotificationBase {
  readonly event: "copySnapshot";
  /** ARN of the new copy. */
  readonly snapshot_id: string;
  /** ARN of the snapshot that was copied. */
  readonly source: string;
  readonly incremental?: string;
}

export const SNAPSHOT_NOTIFICATION = "EBS Snapshot Notification";
export const MULTI_VOLUME_COMPLETION = "EBS Multi-Volume Snapshots Completion Status";

export type SnapshotNotificationDetail = CreateSnapshotDetail | CreateSnapshotsDetail | CopySnapshotDetail;
export type SnapshotNotificationEvent = EventBridgeEvent<typeof SNAPSHOT_NOTIFICATION, SnapshotNotificationDetail>;
export type MultiVolumeSnapshotEvent = EventBridgeEvent<typeof MULTI_VOLUME_COMPLETION, CreateSnapshotsDetail>;
export type ScheduledEvent = EventBridgeEvent<"Scheduled Event", Record<string, unknown>>;
export type SnapshotCopierEvent = SnapshotNotificationEvent | MultiVolumeSnapshotEvent | ScheduledEvent;

/** The part of the Lambda context the copier uses: it stops starting work when the invocation nears its timeout. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}
