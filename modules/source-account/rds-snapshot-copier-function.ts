import type { FunctionNames, FunctionTrigger } from "../lambda/event-driven-function";
import { HANDLED_EVENT_IDS } from "./rds-snapshot-copier/rds-event-ids";

export const RDS_SNAPSHOT_COPIER_ENTRY = "modules/source-account/rds-snapshot-copier/handler.ts";

export function rdsSnapshotCopierNames(namePrefix: string): FunctionNames & { eventsRuleName: string; hourlyRuleName: string } {
  return {
    functionName: `${namePrefix}-rds-snapshot-copier`,
    deadLetterQueueName: `${namePrefix}-rds-snapshot-copier-dlq`,
    eventsRuleName: `${namePrefix}-rds-snapshot-events`,
    hourlyRuleName: `${namePrefix}-rds-transit-copies`,
  };
}

/** Snapshot created and copy-finished events start a copy or a share; an hourly run shares late copies and cleans up. */
export function rdsSnapshotCopierTriggers(names: ReturnType<typeof rdsSnapshotCopierNames>): FunctionTrigger[] {
  return [
    {
      id: "rds-snapshot-events",
      ruleName: names.eventsRuleName,
      description: "RDS and Aurora snapshots created or copied, for the DR snapshot copier",
      eventPattern: {
        source: ["aws.rds"],
        "detail-type": ["RDS DB Snapshot Event", "RDS DB Cluster Snapshot Event"],
        detail: { EventID: [...Object.keys(HANDLED_EVENT_IDS.instance), ...Object.keys(HANDLED_EVENT_IDS.cluster)] },
      },
    },
    {
      id: "hourly",
      ruleName: names.hourlyRuleName,
      description: "Hourly sharing of finished RDS transit copies and deletion of expired ones",
      scheduleExpression: "rate(1 hour)",
    },
  ];
}
