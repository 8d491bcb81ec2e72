import type { EventBridgeEvent } from "../../lambda/runtime/eventbridge-event";

/** The events the RDS copier takes (no @types/aws-lambda in this project). */

/** The detail of `RDS DB Snapshot Event` and `RDS DB Cluster Snapshot Event` (source `aws.rds`). */
export interface RdsEventDetail {
  readonly EventCategories?: readonly string[];
  /** `SNAPSHOT` or `CLUSTER_SNAPSHOT`. */
  readonly SourceType: string;
  /** `arn:aws:rds:<region>:<account>:snapshot:<id>` / `...:cluster-snapshot:<id>`. */
  readonly SourceArn?: string;
  /** The snapshot identifier; automated ones start with `rds:`. */
  readonly SourceIdentifier?: string;
  readonly Date?: string;
  readonly Message?: string;
  /** `RDS-EVENT-0042` (a documentation URL ending in `#RDS-EVENT-0042` is accepted too). */
  readonly EventID?: string;
}

export type RdsDbSnapshotEvent = EventBridgeEvent<"RDS DB Snapshot Event", RdsEventDetail>;
export type RdsDbClusterSnapshotEvent = EventBridgeEvent<"RDS DB Cluster Snapshot Event", RdsEventDetail>;
export type ScheduledEvent = EventBridgeEvent<"Scheduled Event", Record<string, unknown>>;
export type RdsSnapshotCopierEvent = RdsDbSnapshotEvent | RdsDbClusterSnapshotEvent | ScheduledEvent;
