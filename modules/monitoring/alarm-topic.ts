import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformProvider, TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import { createHash } from "crypto";
import type { MonitoringConfig } from "../config/schema-monitoring";
import { policyJson } from "../iam/policy-document";
import { CustomerManagedKey } from "../kms/customer-managed-key";
import { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import { alarmTopicKeyPolicy, alarmTopicPolicy } from "./alarm-topic-policies";
import { alarmKeyAliasName, alarmTopicArn, alarmTopicName } from "./monitoring-names";

/** Properties of an {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** The provider of the topic's region. */
  readonly provider: TerraformProvider;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly namePrefix: string;
  /** Subscriptions and topics to forward to (`monitoring.notifications`). */
  readonly notifications: MonitoringConfig["notifications"];
}

/** The region and the account of an SNS topic ARN (`arn:<partition>:sns:<region>:<account>:<name>`). */
export const regionOfTopicArn = (arn: string) => arn.split(":")[3];
export const accountOfTopicArn = (arn: string) => arn.split(":")[4];
const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 10);

/**
 * The notification topic of one account and region, where every alarm, tamper rule and vault of that region
 * reports: encrypted with a customer managed key of its own (never `alias/aws/sns`, whose fixed key policy lets
 * no service publish), with the configured e-mail and HTTPS subscriptions.
 *
 * One per stack and region, created by the first construct that needs it ({@link AlarmTopic.of}), so that
 * every region where alarms live has exactly one and no region without alarms pays for a key.
 */
export class AlarmTopic extends Construct {
  /** The region's topic of the stack that holds `scope`, created on first use. */
  static of(scope: IConstruct, region: string): AlarmTopic {
    const stack = TerraformStack.of(scope);
    if (!(stack instanceof SnapshotDrStack)) {
      throw new Error(`Alarms need a SnapshotDrStack (for the account, the name prefix and the subscriptions): ${stack.node.path} is not one`);
    }
    const id = `alarm-topic-${region}`;
    const existing = stack.node.tryFindChild(id);
    if (existing) return existing as AlarmTopic;
    const config = stack.config;
    return new AlarmTopic(stack, id, {
      provider: stack.providerFor(region),
      partition: config.partition,
      accountId: stack.accountId,
      region,
      namePrefix: config.namePrefix,
      notifications: config.monitoring.notifications,
    });
  }

  readonly region: string;
  /** The account that owns the topic (and the stack's alarms and rules). */
  readonly accountId: string;
  readonly key: CustomerManagedKey;
  readonly topic: SnsTopic;
  readonly topicPolicy: SnsTopicPolicy;
  /** The configured topics to forward to that are in this region, in configuration order. */
  readonly forwardTopicArns: readonly string[];
  /** What every alarm of the region notifies: this topic, then the configured topics of the same region. */
  readonly alarmActions: readonly string[];
  /** Whether anything reaches a person: a subscription, or a topic to forward to in this region. */
  readonly reachesSomeone: boolean;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.region = props.region;
    this.accountId = props.accountId;
    const topicArn = alarmTopicArn(props.partition, props.region, props.accountId, props.namePrefix);
    const policyProps = { partition: props.partition, accountId: props.accountId, topicArn };

    this.key = new CustomerManagedKey(this, "key", {
      provider: props.provider,
      description: `${props.namePrefix}: alarm and tamper notifications of this region (SNS topic ${alarmTopicName(props.namePrefix)})`,
      aliasName: alarmKeyAliasName(props.namePrefix),
      policy: alarmTopicKeyPolicy(policyProps),
    });
    this.topic = new SnsTopic(this, "topic", {
      provider: props.provider,
      name: alarmTopicName(props.namePrefix),
      displayName: `${props.namePrefix} DR alarms`,
      kmsMasterKeyId: this.key.key.arn,
    });
    this.topicPolicy = new SnsTopicPolicy(this, "topic-policy", {
      provider: props.provider,
      arn: this.topic.arn,
      policy: policyJson(alarmTopicPolicy(policyProps)),
    });

    const { emails, httpsEndpoints, forwardToTopicArns } = props.notifications;
    // Ids from the endpoint itself, so that adding or removing one address leaves the others in place.
    for (const email of emails) {
      new SnsTopicSubscription(this, `email-${shortHash(email.toLowerCase())}`, {
        provider: props.provider,
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: email,
      });
    }
    for (const url of httpsEndpoints) {
      new SnsTopicSubscription(this, `https-${shortHash(url)}`, {
        provider: props.provider,
        topicArn: this.topic.arn,
        protocol: "https",
        endpoint: url,
      });
    }
    // Each forward topic serves the alarms and rules of its own region: a notification never leaves the region of
    // its alarm (EventBridge delivers to cross-account targets of the rule's own Region only, "Sending events to an
    // AWS service in another account in EventBridge").
    this.forwardTopicArns = forwardToTopicArns.filter((arn) => regionOfTopicArn(arn) === props.region);
    this.alarmActions = [this.topic.arn, ...this.forwardTopicArns];
    this.reachesSomeone = emails.length + httpsEndpoints.length + this.forwardTopicArns.length > 0;
  }
}
