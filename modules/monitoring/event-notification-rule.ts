import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "crypto";
import type { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import { AlarmTopic } from "./alarm-topic";
import { ForwardTopicDeliveryRole, forwardTopicDeliveryRoleName } from "./forward-topic-delivery-role";
import { NotifyingAlarm } from "./notifying-alarm";

/** Properties of an {@link EventNotificationRule}. */
export interface EventNotificationRuleProps {
  readonly provider: TerraformProvider;
  readonly region: string;
  /** 1 to 64 of `[.\-_A-Za-z0-9]` (EventBridge rule names). */
  readonly ruleName: string;
  readonly description: string;
  readonly eventPattern: Readonly<Record<string, unknown>>;
}

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
/** "Each rule can have up to five (5) targets associated with it at one time" (EventBridge API, PutTargets). */
export const MAX_TARGETS_PER_RULE = 5;

/** A target ID from the topic ARN itself, so that adding or removing one forward topic leaves the others in place. */
export const forwardTargetId = (topicArn: string) => `forward-${createHash("sha256").update(topicArn).digest("hex").slice(0, 10)}`;

/**
 * An EventBridge rule whose matching events are published, whole, to the region's alarm topic and to every
 * configured forward topic of the same region: for events that are themselves the alert (a tamper API call, a
 * failed copy job, a DLM policy in error), so that they reach whoever the region's alarms reach.
 *
 * A forward topic of the rule's account is a target like the alarm topic (its policy must let
 * `events.amazonaws.com` publish); one of another account is reached through {@link ForwardTopicDeliveryRole}
 * (EventBridge delivers to an SNS topic of another account of the same Region with an execution role of the
 * rule's account, "Sending events to an AWS service in another account in EventBridge"; its policy must let that
 * role publish). No execution role on same-account SNS targets: EventBridge documents resource-based policies
 * for them and warns that a `RoleArn` may fail deliveries to encrypted topics ("Using resource-based policies
 * for Amazon EventBridge").
 */
export class EventNotificationRule extends Construct {
  readonly rule: CloudwatchEventRule;
  /** The rule's targets: the alarm topic, then the region's forward topics. */
  readonly targets: readonly CloudwatchEventTarget[];
  /** With forward topics: the alarm on deliveries that failed for good. */
  readonly failedDeliveriesAlarm?: NotifyingAlarm;

  constructor(scope: Construct, id: string, props: EventNotificationRuleProps) {
    super(scope, id);
    if (!RULE_NAME.test(props.ruleName)) throw new Error(`Expected EventBridge rule name to match ${RULE_NAME.source}, got '${props.ruleName}'`);
    const topic = AlarmTopic.of(this, props.region);
    this.rule = new CloudwatchEventRule(this, "rule", {
      provider: props.provider,
      name: props.ruleName,
      description: props.description,
      eventPattern: JSON.stringify(props.eventPattern),
    });
    if (1 + topic.forwardTopicArns.length > MAX_TARGETS_PER_RULE) {
      throw new Error(
        `Rule ${props.ruleName} would have ${1 + topic.forwardTopicArns.length} targets (its alarm topic and ${topic.forwardTopicArns.length} forward topics of ${props.region}); ` +
          `each rule can have up to five (5) targets associated with it at one time`,
      );
    }
    const ownTopic = new CloudwatchEventTarget(this, "target", {
      provider: props.provider,
      rule: this.rule.name,
      targetId: "alarm-topic",
      arn: topic.topic.arn,
      // The topic policy must exist first, or the first deliveries are refused.
      dependsOn: [topic.topicPolicy],
    });
    const forwards = topic.forwardTopicArns.map((topicArn) => {
      const role = ForwardTopicDeliveryRole.needsRole(topicArn, topic.accountId) ? ForwardTopicDeliveryRole.of(this).role : undefined;
      return new CloudwatchEventTarget(this, forwardTargetId(topicArn), {
        provider: props.provider,
        rule: this.rule.name,
        targetId: forwardTargetId(topicArn),
        arn: topicArn,
        // The role's permissions first, or the first deliveries are refused.
        ...(role ? { roleArn: role.role.arn, dependsOn: role.inlinePolicyResources } : {}),
      });
    });
    this.targets = [ownTopic, ...forwards];
    if (forwards.length === 0) return;
    const namePrefix = (TerraformStack.of(this) as SnapshotDrStack).config.namePrefix;
    // A forward topic's policy and key are someone else's: a delivery they refuse is dropped after EventBridge's
    // retries. FailedInvocations counts "invocations that failed permanently", per RuleName, and is sent "only if it
    // isn't zero" ("Monitoring Amazon EventBridge"): missing data is no failure.
    this.failedDeliveriesAlarm = new NotifyingAlarm(this, "failed-deliveries", {
      provider: props.provider,
      region: props.region,
      alarmName: `${props.ruleName}-failed-deliveries`,
      description:
        `EventBridge could not deliver an event of rule ${props.ruleName} to one of its targets (the alarm topic or a topic to forward to) after its retries. ` +
        `Check the forward topics' policies and keys (they must let this account's EventBridge, or its role ${forwardTopicDeliveryRoleName(namePrefix)}, publish); ` +
        "the event itself is in CloudTrail or the source service.",
      metric: { namespace: "AWS/Events", metricName: "FailedInvocations", dimensions: { RuleName: props.ruleName }, statistic: "Sum", periodSeconds: 300 },
      treatMissingData: "notBreaching",
    });
  }
}
