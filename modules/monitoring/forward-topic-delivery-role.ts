import { TerraformStack } from "cdktf";
import { Construct, IConstruct } from "constructs";
import type { PolicyDocument } from "../iam/policy-document";
import { policyDocument, sortedUnique } from "../iam/policy-document";
import { ServiceRole } from "../iam/service-role";
import { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import { accountOfTopicArn, regionOfTopicArn } from "./alarm-topic";

/** The role's name: `<namePrefix>-event-forwarding` (inside the DR guardrails' `<namePrefix>-*` project roles). */
export const forwardTopicDeliveryRoleName = (namePrefix: string) => `${namePrefix}-event-forwarding`;

/**
 * What EventBridge may do with the role: publish to the forward topics of other accounts, and use their topics'
 * keys for that only. An encrypted topic needs its publisher to hold `kms:GenerateDataKey` and `kms:Decrypt` on
 * the topic's key (SNS "Key management"); the key is unknown here, so the grant covers the keys of the topic's
 * account and region, and only for data keys of these topics (SNS sets `aws:sns:topicArn` as encryption context,
 * as the key policies in SNS's publisher examples condition on).
 */
export function forwardTopicDeliveryPolicy(partition: string, topicArns: readonly string[]): PolicyDocument {
  const topics = sortedUnique(topicArns);
  if (topics.length === 0) throw new Error("The forward topic delivery role needs at least one topic of another account");
  const keysOfTopicAccounts = sortedUnique(topics.map((arn) => `arn:${partition}:kms:${regionOfTopicArn(arn)}:${accountOfTopicArn(arn)}:key/*`));
  return policyDocument([
    { Sid: "PublishToForwardTopics", Effect: "Allow", Action: "sns:Publish", Resource: topics },
    {
      Sid: "EncryptForForwardTopics",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: keysOfTopicAccounts,
      Condition: { StringEquals: { "kms:EncryptionContext:aws:sns:topicArn": topics } },
    },
  ]);
}

/**
 * The execution role of the EventBridge targets that deliver to a forward topic of another account: EventBridge
 * sends to an SNS topic of another account of the same Region only with an execution role of the rule's account,
 * and the topic's policy must allow that role ("Sending events to an AWS service in another account in
 * EventBridge": an execution role, and a resource policy on the target). One per stack (IAM is global), created by
 * the first rule that needs it ({@link ForwardTopicDeliveryRole.of}); a stack without such topics has none.
 */
export class ForwardTopicDeliveryRole extends Construct {
  /** The stack's role, created on first use. */
  static of(scope: IConstruct): ForwardTopicDeliveryRole {
    const stack = TerraformStack.of(scope);
    if (!(stack instanceof SnapshotDrStack)) throw new Error(`Forwarding needs a SnapshotDrStack: ${stack.node.path} is not one`);
    const existing = stack.node.tryFindChild("forward-topic-delivery-role");
    if (existing) return existing as ForwardTopicDeliveryRole;
    return new ForwardTopicDeliveryRole(stack, "forward-topic-delivery-role", stack);
  }

  readonly role: ServiceRole;
  /** The topics the role may publish to: the configured forward topics of other accounts in the stack's regions. */
  readonly topicArns: readonly string[];

  private constructor(scope: Construct, id: string, stack: SnapshotDrStack) {
    super(scope, id);
    const config = stack.config;
    this.topicArns = config.monitoring.notifications.forwardToTopicArns.filter(
      (arn) => accountOfTopicArn(arn) !== stack.accountId && stack.regions.includes(regionOfTopicArn(arn)),
    );
    this.role = new ServiceRole(this, "role", {
      provider: stack.homeProvider,
      roleName: forwardTopicDeliveryRoleName(config.namePrefix),
      servicePrincipal: "events.amazonaws.com",
      description: "EventBridge delivers the tamper and failed-copy events to the configured topics of other accounts",
      inlinePolicies: { "publish-to-forward-topics": forwardTopicDeliveryPolicy(config.partition, this.topicArns) },
    });
  }

  /** Whether a topic needs the role: it belongs to another account than the stack's. */
  static needsRole(topicArn: string, stackAccountId: string): boolean {
    return accountOfTopicArn(topicArn) !== stackAccountId;
  }
}
