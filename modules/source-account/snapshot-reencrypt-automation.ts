import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { ITerraformDependable, TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { policyDocument, policyJson } from "../iam/policy-document";
import { lambdaCodeAsset } from "../lambda/lambda-bundle";

/** The handler's source, bundled at synth time. */
export const SNAPSHOT_COPIER_ENTRY = "modules/source-account/snapshot-copier/handler.ts";

/** The names of one region's automation resources; the copier's role policy is built from the same names. */
export interface SnapshotCopierNames {
  readonly functionName: string;
  readonly deadLetterQueueName: string;
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

/** Properties of a {@link SnapshotReencryptAutomation}. */
export interface SnapshotReencryptAutomationProps {
  readonly provider: TerraformProvider;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly names: SnapshotCopierNames;
  /** The copier's execution role (shared by all regions of the account). */
  readonly roleArn: string;
  /** The handler's settings (see the handler's `readSettings`). */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Days the function's logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * Resources the function must wait for (its role's policies).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const FOURTEEN_DAYS_IN_SECONDS = 14 * 24 * 3600;

/**
 * The source side of the re-encryption flow in one region (seed 001, docs/design.md §2a step 2): EBS
 * snapshot events and an hourly cleanup invoke the snapshot copier; events it cannot handle after its
 * retries, and events EventBridge cannot deliver, go to a dead-letter queue.
 */
export class SnapshotReencryptAutomation extends Construct {
  readonly function: LambdaFunction;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: SnapshotReencryptAutomationProps) {
    super(scope, id);
    const { provider, partition, accountId, region, names } = props;
    const ruleArn = (name: string) => `arn:${partition}:events:${region}:${accountId}:rule/${name}`;

    this.deadLetterQueue = new SqsQueue(this, "dead-letter-queue", {
      provider,
      name: names.deadLetterQueueName,
      messageRetentionSeconds: FOURTEEN_DAYS_IN_SECONDS,
      sqsManagedSseEnabled: true,
    });
    new SqsQueuePolicy(this, "dead-letter-queue-policy", {
      provider,
      queueUrl: this.deadLetterQueue.url,
      policy: policyJson(
        policyDocument([
          {
            Sid: "EventBridgeRulesOfThisAutomation",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: `arn:${partition}:sqs:${region}:${accountId}:${names.deadLetterQueueName}`,
            Condition: { ArnEquals: { "aws:SourceArn": [ruleArn(names.snapshotEventsRuleName), ruleArn(names.cleanupRuleName)] } },
          },
        ]),
      ),
    });

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider,
      name: `/aws/lambda/${names.functionName}`,
      retentionInDays: props.logRetentionDays ?? 90,
    });

    const { asset: code, bundle } = lambdaCodeAsset(this, SNAPSHOT_COPIER_ENTRY);
    this.function = new LambdaFunction(this, "function", {
      provider,
      functionName: names.functionName,
      description: "Copies DR-selected EBS snapshots under the DR account's KMS-B and shares the copies with it",
      role: props.roleArn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: bundle.sourceCodeHash,
      timeout: 300,
      memorySize: 256,
      environment: { variables: { ...props.environment } },
      dependsOn: [logGroup, ...(props.dependsOn ?? [])],
    });
    new LambdaFunctionEventInvokeConfig(this, "async-invocation", {
      provider,
      functionName: this.function.functionName,
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 6 * 3600,
      destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } },
    });

    const rules = [
      {
        id: "snapshot-events",
        name: names.snapshotEventsRuleName,
        description: "EBS snapshot creations and copies, for the DR snapshot copier",
        eventPattern: JSON.stringify({
          source: ["aws.ec2"],
          "detail-type": ["EBS Snapshot Notification"],
          detail: { event: ["createSnapshot", "createSnapshots", "copySnapshot"], result: ["succeeded", "failed"] },
        }),
      },
      {
        id: "cleanup",
        name: names.cleanupRuleName,
        description: "Hourly deletion of expired DR transit copies",
        scheduleExpression: "rate(1 hour)",
      },
    ];
    for (const rule of rules) {
      const eventRule = new CloudwatchEventRule(this, `${rule.id}-rule`, {
        provider,
        name: rule.name,
        description: rule.description,
        ...(rule.eventPattern ? { eventPattern: rule.eventPattern } : { scheduleExpression: rule.scheduleExpression }),
      });
      new CloudwatchEventTarget(this, `${rule.id}-target`, {
        provider,
        rule: eventRule.name,
        targetId: "snapshot-copier",
        arn: this.function.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
      });
      new LambdaPermission(this, `${rule.id}-permission`, {
        provider,
        statementId: `AllowInvokeFrom-${rule.name}`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: "events.amazonaws.com",
        sourceArn: eventRule.arn,
      });
    }
  }
}
