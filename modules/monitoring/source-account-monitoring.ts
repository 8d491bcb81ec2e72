import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { SnapshotDrConfig } from "../config/load-config";
import { backupEnabledFor } from "../config/naming";
import type { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import { EventNotificationRule } from "./event-notification-rule";

/** Properties of {@link SourceAccountMonitoring}. */
export interface SourceAccountMonitoringProps {
  readonly config: SnapshotDrConfig;
  readonly account: SnapshotDrConfig["sourceAccounts"][number];
}

/**
 * A source account's monitoring beyond its functions' own alarms (dead-letter queue, errors, which come with
 * every `EventDrivenFunction`): the AWS Backup copy jobs into the DR vault run in the source account, so their
 * failures are seen here. AWS Backup sends "Copy Job State Change" events to EventBridge; a `FAILED` one is
 * published to the region's alarm topic. (The DR account's freshness check catches the same loss later, and
 * also when the source account itself is lost.)
 */
export class SourceAccountMonitoring extends Construct {
  constructor(scope: Construct, id: string, props: SourceAccountMonitoringProps) {
    super(scope, id);
    const stack = TerraformStack.of(this) as SnapshotDrStack;
    if (!backupEnabledFor(props.config, props.account)) return;
    for (const region of stack.regions) {
      new EventNotificationRule(this, `backup-copy-failed-${region}`, {
        provider: stack.providerFor(region),
        region,
        ruleName: `${props.config.namePrefix}-backup-copy-failed`,
        description: "An AWS Backup copy job (into the DR vault or another region) failed",
        eventPattern: { source: ["aws.backup"], "detail-type": ["Copy Job State Change"], detail: { state: ["FAILED"] } },
      });
    }
  }
}
