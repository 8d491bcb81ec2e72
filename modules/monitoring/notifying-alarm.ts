import { CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { AlarmTopic } from "./alarm-topic";

/** One CloudWatch metric, as an alarm watches it. */
export interface WatchedMetric {
  readonly namespace: string;
  readonly metricName: string;
  /** @default - no dimensions */
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Maximum" | "Average" | "Minimum" | "SampleCount";
  readonly periodSeconds: number;
}

/** Properties of a {@link NotifyingAlarm}. */
export interface NotifyingAlarmProps {
  readonly provider: TerraformProvider;
  /** The alarm's region: its actions go to that region's {@link AlarmTopic}. */
  readonly region: string;
  readonly alarmName: string;
  /** What the alarm means and what to do, shown in every notification. */
  readonly description: string;
  /** One metric, or {@link metricMath} over several. */
  readonly metric?: WatchedMetric;
  /**
   * A metric math expression over up to 10 metrics (`m0`, `m1`, ... in the expression): a hard limit of alarms
   * on metric math.
   * @default - none (a single metric)
   */
  readonly metricMath?: { readonly expression: string; readonly metrics: readonly WatchedMetric[] };
  /** @default 0 */
  readonly threshold?: number;
  /** @default "GreaterThanThreshold" */
  readonly comparisonOperator?: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  /** @default 1 */
  readonly evaluationPeriods?: number;
  /** @default - evaluationPeriods */
  readonly datapointsToAlarm?: number;
  /**
   * `notBreaching` for failure counters that publish nothing while all is well; `breaching` for a heartbeat
   * whose silence is itself the failure.
   */
  readonly treatMissingData: "notBreaching" | "breaching";
}

/** AWS: "Alarms based on metric math expressions can reference a maximum of 10 metrics." */
export const MAX_METRICS_PER_MATH_ALARM = 10;

/**
 * A CloudWatch alarm that tells someone: ALARM and OK notifications go to the region's alarm topic (and the
 * configured topics to forward to), so that every alarm of this project has an action.
 */
export class NotifyingAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: NotifyingAlarmProps) {
    super(scope, id);
    if ((props.metric === undefined) === (props.metricMath === undefined)) {
      throw new Error(`Alarm ${props.alarmName} needs either a metric or a metric math expression`);
    }
    const math = props.metricMath;
    if (math && (math.metrics.length < 1 || math.metrics.length > MAX_METRICS_PER_MATH_ALARM)) {
      throw new Error(
        `Alarm ${props.alarmName} references ${math.metrics.length} metrics: alarms based on metric math expressions can reference a maximum of 10 metrics`,
      );
    }
    const actions = [...AlarmTopic.of(this, props.region).alarmActions];
    const evaluationPeriods = props.evaluationPeriods ?? 1;
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      provider: props.provider,
      alarmName: props.alarmName,
      alarmDescription: props.description,
      comparisonOperator: props.comparisonOperator ?? "GreaterThanThreshold",
      threshold: props.threshold ?? 0,
      evaluationPeriods,
      datapointsToAlarm: props.datapointsToAlarm ?? evaluationPeriods,
      treatMissingData: props.treatMissingData,
      alarmActions: actions,
      okActions: actions,
      ...(props.metric ? singleMetric(props.metric) : { metricQuery: mathQueries(math!.expression, math!.metrics) }),
    });
  }
}

function singleMetric(metric: WatchedMetric) {
  return {
    namespace: metric.namespace,
    metricName: metric.metricName,
    statistic: metric.statistic,
    period: metric.periodSeconds,
    ...(metric.dimensions ? { dimensions: { ...metric.dimensions } } : {}),
  };
}

function mathQueries(expression: string, metrics: readonly WatchedMetric[]): CloudwatchMetricAlarmMetricQuery[] {
  return [
    { id: "e0", expression, label: "watched", returnData: true },
    ...metrics.map((metric, index) => ({
      id: `m${index}`,
      returnData: false,
      metric: {
        namespace: metric.namespace,
        metricName: metric.metricName,
        stat: metric.statistic,
        period: metric.periodSeconds,
        ...(metric.dimensions ? { dimensions: { ...metric.dimensions } } : {}),
      },
    })),
  ];
}
