import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { shiftUtcTime } from "../capacity/schedule-stagger";
import { assertDlmPolicyDescription } from "../dlm/policy-description";

/** When the policy creates snapshots: every N hours from a UTC time, or a cron expression. */
export interface SnapshotSchedule {
  readonly intervalHours?: number;
  readonly time?: string;
  readonly cronExpression?: string;
}

/** Properties of an {@link EbsSnapshotPolicy}. */
export interface EbsSnapshotPolicyProps {
  readonly provider: TerraformProvider;
  /** Policy description (`[0-9A-Za-z _-]`, at most 500 characters). */
  readonly description: string;
  readonly executionRoleArn: string;
  /** Volumes that carry all of these tags are snapshotted. */
  readonly targetTags: Readonly<Record<string, string>>;
  readonly schedule: SnapshotSchedule;
  /** Snapshots kept per volume (1 to 1000). */
  readonly retainCount: number;
  /**
   * Tags DLM adds to every snapshot it creates (for example the DR selection tag).
   * @default - none
   */
  readonly tagsToAdd?: Readonly<Record<string, string>>;
  /**
   * Schedule name; DLM writes it in each snapshot's description.
   * @default "DR snapshots"
   */
  readonly scheduleName?: string;
  /**
   * Share every snapshot with these accounts, and stop sharing it after the interval (seed 000 step 1).
   * @default - snapshots are not shared
   */
  readonly shareRule?: ShareRule;
  /**
   * Minutes added to the schedule's `time` (wrapped to the day), to spread the accounts' snapshots over a window
   * (`modules/capacity/schedule-stagger.ts`). Ignored for cron schedules and schedules without a time.
   * @default 0
   */
  readonly startOffsetMinutes?: number;
}

/** Accounts a snapshot policy shares its snapshots with. */
export interface ShareRule {
  readonly targetAccounts: readonly string[];
  readonly unshareInterval: number;
  readonly unshareIntervalUnit: "DAYS" | "WEEKS" | "MONTHS" | "YEARS";
}

const NAME_PATTERN = /^[0-9A-Za-z _-]{1,120}$/;

/** A DLM EBS snapshot policy (seed 000 step 1): snapshots of tagged volumes on a schedule, kept by count. */
export class EbsSnapshotPolicy extends Construct {
  readonly policy: DlmLifecyclePolicy;

  constructor(scope: Construct, id: string, props: EbsSnapshotPolicyProps) {
    super(scope, id);
    const scheduleName = props.scheduleName ?? "DR snapshots";
    assertDlmPolicyDescription(props.description);
    if (!NAME_PATTERN.test(scheduleName)) {
      throw new Error(`Expected schedule name to match ${NAME_PATTERN.source}, got '${scheduleName}'`);
    }
    if (Object.keys(props.targetTags).length === 0) throw new Error("A snapshot policy needs at least one target tag");
    if (!Number.isInteger(props.retainCount) || props.retainCount < 1 || props.retainCount > 1000) {
      throw new Error(`Expected the retain count to be from 1 to 1000, got ${props.retainCount}`);
    }
    if (props.shareRule) {
      if (props.shareRule.targetAccounts.length === 0) throw new Error("A share rule needs at least one target account");
      if (!Number.isInteger(props.shareRule.unshareInterval) || props.shareRule.unshareInterval < 1) {
        throw new Error(`Expected the unshare interval to be a whole number of at least 1, got ${props.shareRule.unshareInterval}`);
      }
    }
    const { intervalHours, cronExpression } = props.schedule;
    if ((cronExpression === undefined) === (intervalHours === undefined)) {
      throw new Error("A snapshot schedule needs either intervalHours or cronExpression");
    }
    const offset = props.startOffsetMinutes ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || offset >= 1440) {
      throw new Error(`Expected the start offset to be a whole number of minutes from 0 to 1439, got ${offset}`);
    }
    const time = props.schedule.time === undefined ? undefined : shiftUtcTime(props.schedule.time, offset);

    this.policy = new DlmLifecyclePolicy(this, "policy", {
      provider: props.provider,
      description: props.description,
      executionRoleArn: props.executionRoleArn,
      state: "ENABLED",
      policyDetails: {
        policyType: "EBS_SNAPSHOT_MANAGEMENT",
        resourceTypes: ["VOLUME"],
        targetTags: { ...props.targetTags },
        schedule: [
          {
            name: scheduleName,
            copyTags: true,
            createRule:
              cronExpression !== undefined
                ? { cronExpression }
                : { interval: intervalHours, intervalUnit: "HOURS", ...(time ? { times: [time] } : {}) },
            retainRule: { count: props.retainCount },
            ...(props.tagsToAdd ? { tagsToAdd: { ...props.tagsToAdd } } : {}),
            ...(props.shareRule
              ? {
                  shareRule: {
                    targetAccounts: [...props.shareRule.targetAccounts],
                    unshareInterval: props.shareRule.unshareInterval,
                    unshareIntervalUnit: props.shareRule.unshareIntervalUnit,
                  },
                }
              : {}),
          },
        ],
      },
    });
  }
}
