/**
 * Names of the monitoring resources, derived from the name prefix like every other name here
 * (modules/config/naming.ts): the key policy and the topic policy refer to the topic by its ARN before it exists.
 */

/** The alarm topic of every region and account: `<namePrefix>-alarms`. */
export const alarmTopicName = (namePrefix: string) => `${namePrefix}-alarms`;

/** The customer managed key that encrypts it: `alias/<namePrefix>/alarms`. */
export const alarmKeyAliasName = (namePrefix: string) => `alias/${namePrefix}/alarms`;

export const alarmTopicArn = (partition: string, region: string, accountId: string, namePrefix: string) =>
  `arn:${partition}:sns:${region}:${accountId}:${alarmTopicName(namePrefix)}`;

/** CloudWatch alarm names: `<namePrefix>-<what>` (at most 255 characters, PutMetricAlarm's limit). */
export function alarmName(namePrefix: string, what: string): string {
  const name = `${namePrefix}-${what}`;
  if (name.length > 255) throw new Error(`Alarm name '${name}' is longer than 255 characters (PutMetricAlarm's AlarmName limit)`);
  return name;
}

/** The freshness check's function and its metrics (stale, and newly stale since the last run: per region, no per-source dimension). */
export function freshnessCheckNames(namePrefix: string) {
  return {
    functionName: `${namePrefix}-freshness-check`,
    deadLetterQueueName: `${namePrefix}-freshness-check-dlq`,
    scheduleRuleName: `${namePrefix}-freshness-check`,
    roleName: `${namePrefix}-freshness-check`,
    metricNamespace: `${namePrefix}/DR`,
    metricName: "StaleSources",
    newlyStaleMetricName: "NewlyStaleSources",
  };
}

/** EventBridge rule names of the DR account's tamper alerts (64 characters at most). */
export const tamperRuleName = (namePrefix: string, what: string) => `${namePrefix}-tamper-${what}`;
