import { RbinRule } from "@cdktf/provider-aws/lib/rbin-rule";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** Properties of a {@link LockedRecycleBinRule}. */
export interface LockedRecycleBinRuleProps {
  /** The provider of the region the rule protects (Recycle Bin rules are regional). */
  readonly provider: TerraformProvider;
  readonly description: string;
  /** Days a deleted snapshot is kept (Recycle Bin RetentionPeriodValue: 1 to 365). */
  readonly retentionDays: number;
  /** Days between unlocking the rule and being able to change or delete it (UnlockDelayValue: 7 to 30). */
  readonly unlockDelayDays: number;
}

export const RETENTION_DAYS_RANGE = [1, 365] as const;
export const UNLOCK_DELAY_DAYS_RANGE = [7, 30] as const;

/**
 * A Region-level Recycle Bin retention rule for the EBS snapshots of the account, locked: a deleted DR copy stays
 * recoverable for `retentionDays`, and the rule itself cannot be changed or deleted until `unlockDelayDays` after
 * someone unlocks it. Region-level and without exclusions on purpose: Recycle Bin locks Region-level rules only
 * ("You can't lock tag-level retention rules", EBS User Guide, "Lock a Recycle Bin retention rule"), and in the
 * DR account every snapshot is a DR copy. DLM's own expiry deletions land in the Recycle Bin too (billed as
 * snapshots for `retentionDays`).
 */
export class LockedRecycleBinRule extends Construct {
  readonly rule: RbinRule;

  constructor(scope: Construct, id: string, props: LockedRecycleBinRuleProps) {
    super(scope, id);
    const check = (name: string, value: number, [min, max]: readonly [number, number]) => {
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new Error(`Expected the Recycle Bin ${name} to be a whole number of days from ${min} to ${max}, got ${value}`);
      }
    };
    check("retention period", props.retentionDays, RETENTION_DAYS_RANGE);
    check("unlock delay", props.unlockDelayDays, UNLOCK_DELAY_DAYS_RANGE);
    this.rule = new RbinRule(this, "rule", {
      provider: props.provider,
      description: props.description,
      resourceType: "EBS_SNAPSHOT",
      retentionPeriod: { retentionPeriodUnit: "DAYS", retentionPeriodValue: props.retentionDays },
      lockConfiguration: { unlockDelay: { unlockDelayUnit: "DAYS", unlockDelayValue: props.unlockDelayDays } },
    });
  }
}
