import type { FunctionNames, FunctionTrigger } from "../lambda/event-driven-function";

export const SNAPSHOT_LOCK_ENTRY = "modules/dr-account/snapshot-lock/handler.ts";

/** The snapshot lock function's role (one for every copy region): the DR guardrails exempt it from the LockSnapshot deny. */
export const snapshotLockRoleName = (namePrefix: string) => `${namePrefix}-snapshot-lock`;

export function snapshotLockNames(namePrefix: string): FunctionNames & { onCopyRuleName: string; hourlyRuleName: string } {
  return {
    functionName: `${namePrefix}-snapshot-lock`,
    deadLetterQueueName: `${namePrefix}-snapshot-lock-dlq`,
    onCopyRuleName: `${namePrefix}-snapshot-lock-on-copy`,
    hourlyRuleName: `${namePrefix}-snapshot-lock-hourly`,
  };
}

/**
 * DLM's cross-account copy runs CopySnapshot in the DR account, and EBS reports the finished copy to the DR
 * account as an "EBS Snapshot Notification" with detail.event `copySnapshot` (EventBridge events for Amazon EBS);
 * the hourly run locks what an event missed.
 */
export function snapshotLockTriggers(names: ReturnType<typeof snapshotLockNames>): FunctionTrigger[] {
  return [
    {
      id: "on-copy",
      ruleName: names.onCopyRuleName,
      description: "Locks each DR copy as soon as its copy completes",
      eventPattern: {
        source: ["aws.ec2"],
        "detail-type": ["EBS Snapshot Notification"],
        detail: { event: ["copySnapshot"], result: ["succeeded"] },
      },
    },
    {
      id: "hourly",
      ruleName: names.hourlyRuleName,
      description: "Hourly lock of the DR copies an event missed",
      scheduleExpression: "rate(1 hour)",
    },
  ];
}
