import { Annotations, DISABLE_STACK_TRACE_IN_METADATA, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import type { SnapshotDrConfig } from "../config/load-config";
import { backupDrVaultName, backupDrVaultRegion, backupEnabledFor, rdsCopyContract } from "../config/naming";
import { ServiceRole } from "../iam/service-role";
import { AlarmTopic } from "../monitoring/alarm-topic";
import { DlmCopyFailureAlarms } from "../monitoring/dlm-copy-failure-alarms";
import { alarmTopicName, freshnessCheckNames } from "../monitoring/monitoring-names";
import { recoveryPointObjectives, unreachableObjectives } from "../monitoring/recovery-point-objectives";
import type { SnapshotDrStack } from "../stack/snapshot-dr-stack";
import type { CrossAccountCopyEventPolicy } from "./cross-account-copy-event-policy";
import { FreshnessCheckFunction } from "./freshness-check-function";
import { freshnessCheckRolePolicy } from "./freshness-check-role-policy";
import type { ExpectedSource } from "./freshness-check/stale-sources";
import { TamperAlerts } from "./tamper-alerts";

/** Properties of {@link DrAccountMonitoring}. */
export interface DrAccountMonitoringProps {
  readonly config: SnapshotDrConfig;
  /** The DR stack's cross-account copy event policies (their IDs and source regions, for the DLM alarms). */
  readonly copyEventPolicies: readonly CrossAccountCopyEventPolicy[];
}

/**
 * Where each source's DR copies land, per region: EBS copies in every copy region, RDS imports in the source
 * region, AWS Backup copies in the DR vault a source region copies into.
 */
export function expectedSourcesByRegion(config: SnapshotDrConfig): Map<string, ExpectedSource[]> {
  const byRegion = new Map<string, ExpectedSource[]>();
  const add = (region: string, source: ExpectedSource) => byRegion.set(region, [...(byRegion.get(region) ?? []), source]);
  for (const account of config.sourceAccounts) {
    // sourceAccounts[].freshness narrows a flow to the regions that have something to copy; default: all of them.
    const expects = (flow: "ebs" | "rds" | "backup", region: string) => (account.freshness[flow] ?? account.regions).includes(region);
    for (const region of account.regions) {
      if (expects("ebs", region)) for (const copyRegion of config.drAccount.copyRegions) add(copyRegion, { account: account.id, region, flow: "ebs" });
      if (config.rds.enabled && expects("rds", region)) add(region, { account: account.id, region, flow: "rds" });
      if (backupEnabledFor(config, account) && expects("backup", region)) add(backupDrVaultRegion(config, region), { account: account.id, region, flow: "backup" });
    }
  }
  return byRegion;
}

/**
 * The DR account's monitoring (issue 11 §2 and §3): in every region of the stack the tamper alerts; where
 * DLM copies shared snapshots, alarms on its failed copies; where DR copies land, the freshness check and its
 * alarm. Every alarm and rule reports to the region's {@link AlarmTopic}. The functions' own alarms
 * (dead-letter queue, errors) come with every `EventDrivenFunction`.
 */
export class DrAccountMonitoring extends Construct {
  readonly freshnessChecks = new Map<string, FreshnessCheckFunction>();

  constructor(scope: Construct, id: string, props: DrAccountMonitoringProps) {
    super(scope, id);
    // A notice with the caller's stack trace would make manifest.json differ from one synthesis to the next.
    this.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
    const stack = TerraformStack.of(this) as SnapshotDrStack;
    const { config } = props;
    const dr = config.drAccount;

    for (const region of stack.regions) {
      new TamperAlerts(this, `tamper-alerts-${region}`, { provider: stack.providerFor(region), region, namePrefix: config.namePrefix });
    }

    const policiesByRegion = new Map<string, CrossAccountCopyEventPolicy[]>();
    for (const policy of props.copyEventPolicies) policiesByRegion.set(policy.region, [...(policiesByRegion.get(policy.region) ?? []), policy]);
    for (const [region, policies] of policiesByRegion) {
      new DlmCopyFailureAlarms(this, `dlm-copy-failures-${region}`, {
        provider: stack.providerFor(region),
        region,
        namePrefix: config.namePrefix,
        policyIds: policies.map((policy) => policy.policy.id),
      });
    }

    const expectedByRegion = expectedSourcesByRegion(config);
    const backupUsed = config.sourceAccounts.some((account) => backupEnabledFor(config, account));
    const names = freshnessCheckNames(config.namePrefix);
    const checkRegions = stack.regions.filter((region) => expectedByRegion.has(region));
    const role = new ServiceRole(this, "freshness-check-role", {
      provider: stack.homeProvider,
      roleName: names.roleName,
      servicePrincipal: "lambda.amazonaws.com",
      description: "Reads the DR account's copies to report sources that stopped sending",
      inlinePolicies: {
        "freshness-check": freshnessCheckRolePolicy({
          partition: config.partition,
          drAccountId: dr.id,
          regions: checkRegions,
          functionNames: names,
          ...(backupUsed ? { backupVaultName: backupDrVaultName(config) } : {}),
        }),
      },
    });
    const rpoHours = recoveryPointObjectives(config);
    const contract = rdsCopyContract(config);
    // The freshness check finds the event policies itself: every resource of this stack carries the provider default
    // tag SnapshotDrStack = the stack's name (modules/stack/snapshot-dr-stack.ts), and every description the prefix.
    const dlmPolicyFilter = { tagKey: "SnapshotDrStack", tagValue: stack.node.id, descriptionPrefix: `${config.namePrefix} ` };
    for (const region of checkRegions) {
      const expected = expectedByRegion.get(region)!;
      this.freshnessChecks.set(
        region,
        new FreshnessCheckFunction(this, `freshness-check-${region}`, {
          provider: stack.providerFor(region),
          partition: config.partition,
          drAccountId: dr.id,
          region,
          namePrefix: config.namePrefix,
          roleArn: role.role.arn,
          dependsOn: role.inlinePolicyResources,
          expected,
          rpoHours,
          ...(expected.some((source) => source.flow === "ebs") ? { dlmPolicyFilter } : {}),
          ...(expected.some((source) => source.flow === "backup") ? { backupVaultName: backupDrVaultName(config) } : {}),
          ...(expected.some((source) => source.flow === "rds")
            ? { rdsImport: { tagKey: contract.importTagKey, tagValue: contract.markerValue, prefix: contract.importPrefix } }
            : {}),
        }),
      );
    }

    this.node.addValidation({ validate: () => unreachableObjectives(config) });
    // Per region: a forward topic serves only its own region's alarms and rules. The DR stack's regions (copy and
    // source regions) hold every region where an alarm topic lives, and the tamper alerts made each one already.
    const unreached = stack.regions.filter((region) => !AlarmTopic.of(this, region).reachesSomeone);
    if (unreached.length > 0) {
      Annotations.of(this).addWarning(
        `No alarm reaches a person in ${unreached.join(", ")}: monitoring.notifications lists no e-mail address or HTTPS endpoint, ` +
          "and no topic to forward to in these regions (a forward topic serves only the alarms and alerts of its own region). " +
          `The alarms, tamper alerts and failed-copy events there publish to the SNS topic ${alarmTopicName(config.namePrefix)} of each account, ` +
          "which has no subscriber until you configure one.",
      );
    }
  }
}
