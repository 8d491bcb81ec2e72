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
import { PolicyStatement, policyDocument, policyJson } from "../iam/policy-document";
import { NotifyingAlarm } from "../monitoring/notifying-alarm";
import type { ZipEntry } from "./deterministic-zip";
import { lambdaCodeAsset } from "./lambda-bundle";

/** An EventBridge rule that invokes the function: an event pattern or a schedule. */
export interface FunctionTrigger {
  /** Construct id suffix, stable across releases. */
  readonly id: string;
  readonly ruleName: string;
  readonly description: string;
  /**
   * @default - none (a schedule)
   */
  readonly eventPattern?: Readonly<Record<string, unknown>>;
  /**
   * `rate(...)` or `cron(...)`.
   * @default - none (an event pattern)
   */
  readonly scheduleExpression?: string;
}

/** The names of a function's resources in one region; its role policy is built from the same names. */
export interface FunctionNames {
  readonly functionName: string;
  readonly deadLetterQueueName: string;
}

/** Where a function of an account and region writes logs and failed events, as ARNs derived from names. */
export function functionResourceArns(partition: string, accountId: string, region: string, names: FunctionNames) {
  return {
    deadLetterQueueArn: `arn:${partition}:sqs:${region}:${accountId}:${names.deadLetterQueueName}`,
    logGroupArn: `arn:${partition}:logs:${region}:${accountId}:log-group:/aws/lambda/${names.functionName}`,
  };
}

/** What every event-driven function's role needs besides its own work: report failures, write its logs. */
export function functionSupportStatements(
  partition: string,
  accountId: string,
  regions: readonly string[],
  names: FunctionNames,
): PolicyStatement[] {
  const arns = regions.map((region) => functionResourceArns(partition, accountId, region, names));
  return [
    {
      Sid: "SendFailedEventsToDeadLetterQueue",
      Effect: "Allow",
      Action: "sqs:SendMessage",
      Resource: arns.map((arn) => arn.deadLetterQueueArn),
    },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: arns.map((arn) => `${arn.logGroupArn}:*`),
    },
  ];
}

/** Properties of an {@link EventDrivenFunction}. */
export interface EventDrivenFunctionProps {
  readonly provider: TerraformProvider;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly names: FunctionNames;
  readonly description: string;
  /** The handler's TypeScript entry, from the project root; bundled at synth time. */
  readonly entry: string;
  /** The execution role (shared by the regions of an account). */
  readonly roleArn: string;
  /** The handler's settings. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Files packaged beside the handler, for settings too large for environment variables (4 KB in all).
   * @default - none
   */
  readonly extraFiles?: readonly ZipEntry[];
  readonly triggers: readonly FunctionTrigger[];
  /**
   * @default 300
   */
  readonly timeoutSeconds?: number;
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
 * A Lambda function that EventBridge rules invoke, with what running it unattended needs: its log group,
 * asynchronous retries, a dead-letter queue for the events it still fails on and for events EventBridge
 * cannot deliver, and two alarms to the region's alarm topic: a message in the dead-letter queue, an error
 * of the function. Every copier, importer and check gets them from here.
 */
export class EventDrivenFunction extends Construct {
  readonly function: LambdaFunction;
  readonly deadLetterQueue: SqsQueue;
  readonly deadLetterQueueAlarm: NotifyingAlarm;
  readonly errorsAlarm: NotifyingAlarm;

  constructor(scope: Construct, id: string, props: EventDrivenFunctionProps) {
    super(scope, id);
    const { provider, partition, accountId, region, names } = props;
    if (props.triggers.length === 0) throw new Error(`Function ${names.functionName} needs at least one trigger`);
    for (const trigger of props.triggers) {
      if ((trigger.eventPattern === undefined) === (trigger.scheduleExpression === undefined)) {
        throw new Error(`Trigger ${trigger.ruleName} needs either an event pattern or a schedule expression`);
      }
    }
    const ruleArn = (name: string) => `arn:${partition}:events:${region}:${accountId}:rule/${name}`;
    const arns = functionResourceArns(partition, accountId, region, names);

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
            Sid: "EventBridgeRulesOfThisFunction",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: arns.deadLetterQueueArn,
            Condition: { ArnEquals: { "aws:SourceArn": props.triggers.map((trigger) => ruleArn(trigger.ruleName)) } },
          },
        ]),
      ),
    });

    const logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider,
      name: `/aws/lambda/${names.functionName}`,
      retentionInDays: props.logRetentionDays ?? 90,
    });

    const { asset: code, bundle } = lambdaCodeAsset(this, props.entry, props.extraFiles);
    this.function = new LambdaFunction(this, "function", {
      provider,
      functionName: names.functionName,
      description: props.description,
      role: props.roleArn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: bundle.sourceCodeHash,
      timeout: props.timeoutSeconds ?? 300,
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

    // A failed event lands in the queue and stays there: one message is one copy that did not happen.
    // (Amazon SQS metrics: ApproximateNumberOfMessagesVisible; a queue with messages stays active and reports it.)
    this.deadLetterQueueAlarm = new NotifyingAlarm(this, "dead-letter-queue-alarm", {
      provider,
      region,
      alarmName: `${names.deadLetterQueueName}-not-empty`,
      description:
        `Events that ${names.functionName} failed on (after its retries) or that EventBridge could not deliver wait in ` +
        `${names.deadLetterQueueName}. Read them, fix the cause (see the function's log), then redrive or delete them. Runbook: README "Operations".`,
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: names.deadLetterQueueName },
        statistic: "Maximum",
        periodSeconds: 300,
      },
      treatMissingData: "notBreaching",
    });
    // Lambda's Errors metric: invocations that ended in an error (a thrown failure, a timeout, a crash).
    this.errorsAlarm = new NotifyingAlarm(this, "errors-alarm", {
      provider,
      region,
      alarmName: `${names.functionName}-errors`,
      description:
        `${names.functionName} failed at least once in 5 minutes. Its log (/aws/lambda/${names.functionName}) names each failure ` +
        `(the function's query: docs/operations.md, "Failure lines"); a timeout or crash shows as the runtime's ERROR and REPORT lines. Runbook: README "Operations".`,
      metric: {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: names.functionName },
        statistic: "Sum",
        periodSeconds: 300,
      },
      treatMissingData: "notBreaching",
    });

    for (const trigger of props.triggers) {
      const rule = new CloudwatchEventRule(this, `${trigger.id}-rule`, {
        provider,
        name: trigger.ruleName,
        description: trigger.description,
        ...(trigger.eventPattern ? { eventPattern: JSON.stringify(trigger.eventPattern) } : { scheduleExpression: trigger.scheduleExpression }),
      });
      new CloudwatchEventTarget(this, `${trigger.id}-target`, {
        provider,
        rule: rule.name,
        targetId: names.functionName,
        arn: this.function.arn,
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
      });
      new LambdaPermission(this, `${trigger.id}-permission`, {
        provider,
        statementId: `AllowInvokeFrom-${trigger.ruleName}`,
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      });
    }
  }
}
