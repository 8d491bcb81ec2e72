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

/** EBS snapshot creations and copies start the copier; an hourly run deletes expired transit copies. */
export function snapshotCopierTriggers(names: SnapshotCopierNames): FunctionTrigger[] {
  return [
    {
      id: "snapshot-events",
      ruleName: names.snapshotEventsRuleName,
      description: "EBS snapshot creations and copies, for the DR snapshot copier",
      eventPattern: {
        source: ["aws.ec2"],
        "detail-type": ["EBS Snapshot Notification"],
        detail: { event: ["createSnapshot", "createSnapshots", "copySnapshot"], result: ["succeeded", "failed"] },
      },
    },
    { id: "cleanup", ruleName: names.cleanupRuleName, description: "Hourly deletion of expired DR transit copies", scheduleExpression: "rate(1 hour)" },
  ];
}
