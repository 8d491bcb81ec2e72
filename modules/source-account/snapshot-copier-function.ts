import type { FunctionNames, FunctionTrigger } from "../lambda/event-driven-function";

/** The EBS snapshot copier's handler, bundled at synth time. */
export const SNAPSHOT_COPIER_ENTRY = "modules/source-account/snapshot-copier/handler.ts";

export interface SnapshotCopierNames extends FunctionNames {
  readonly snapshotEventsRuleName: string;
  readonly cleanupRuleName: string;
}

export function snapshotCopierNames(namePrefix: string): SnapshotCopierNames {
  return {
    functionName: `${namePrefix}-snapshot-copier`,
    deadLetterQueueName: `${namePrefix}-snapshot-copier-dlq`,
    snapshotEventsRuleName: `${namePrefix}-ebs-snapshot-events`,
    cleanupRuleName: `${namePrefix}-transit-copy-cleanup`,
  };
}

/**
 * EBS snapshot creations (single volumes and multi-volume sets) and copies start the copier; every run reconciles,
 * and the hourly run catches up whatever an event missed or a quota deferred.
 */
export function snapshotCopierTriggers(names: SnapshotCopierNames): FunctionTrigger[] {
  return [
    {
      id: "snapshot-events",
      ruleName: names.snapshotEventsRuleName,
      description: "EBS snapshot creations and copies, for the DR snapshot copier",
      eventPattern: {
        source: ["aws.ec2"],
        // createSnapshots (multi-volume snapshot sets) arrives under its own detail type (EventBridge events for Amazon EBS).
        "detail-type": ["EBS Snapshot Notification", "EBS Multi-Volume Snapshots Completion Status"],
        detail: { event: ["createSnapshot", "createSnapshots", "copySnapshot"], result: ["succeeded", "failed"] },
      },
    },
    { id: "cleanup", ruleName: names.cleanupRuleName, description: "Hourly reconciliation of DR transit copies: copy, share, delete expired", scheduleExpression: "rate(1 hour)" },
  ];
}
