import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AlarmTopic } from "./alarm-topic";

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

/**
 * An EventBridge rule whose matching events are published, whole, to the region's alarm topic: for events
 * that are themselves the alert (a tamper API call, a failed copy job, a DLM policy in error).
 */
export class EventNotificationRule extends Construct {
  readonly rule: CloudwatchEventRule;

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
    new CloudwatchEventTarget(this, "target", {
      provider: props.provider,
      rule: this.rule.name,
      targetId: "alarm-topic",
      arn: topic.topic.arn,
      // The topic policy must exist first, or the first deliveries are refused.
      dependsOn: [topic.topicPolicy],
    });
  }
}
