import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { assertDlmPolicyDescription } from "../dlm/policy-description";

/** Where a cross-account copy event policy puts its copies. */
export interface CopyTarget {
  readonly region: string;
  /** The DR key (KMS-C) of that region the copies are encrypted under. */
  readonly kmsKeyArn: string;
}

/** How long DLM keeps the copies. */
export interface RetainRule {
  readonly interval: number;
  readonly unit: "DAYS" | "WEEKS" | "MONTHS" | "YEARS";
}

/** Properties of a {@link CrossAccountCopyEventPolicy}. */
export interface CrossAccountCopyEventPolicyProps {
  /** The provider of the region whose shared snapshots the policy copies. */
  readonly provider: TerraformProvider;
  /** That region: a policy sees only the snapshots shared in its own region. */
  readonly region: string;
  /** Policy description (`[0-9A-Za-z _-]`, at most 500 characters). */
  readonly description: string;
  readonly executionRoleArn: string;
  /** The accounts whose shared snapshots are copied (1 to 50). */
  readonly snapshotOwners: readonly string[];
  /** Only shared snapshots whose description matches are copied. */
  readonly descriptionRegex: string;
  /** 1 to 3 regions. */
  readonly copyTargets: readonly CopyTarget[];
  readonly retainRule: RetainRule;
}

/** The limits of the DLM API for cross-account copy event policies. */
export const MAX_SNAPSHOT_OWNERS_PER_POLICY = 50;
export const MAX_COPY_REGIONS = 3;

/**
 * A DLM cross-account copy event policy (seed 000 step 3): when one of the owners shares a snapshot whose
 * description matches, DLM copies it into each target region under that region's key. The copy belongs
 * to this account, which is what takes the data out of the source organization's reach.
 */
export class CrossAccountCopyEventPolicy extends Construct {
  readonly policy: DlmLifecyclePolicy;
  readonly region: string;
  readonly snapshotOwners: readonly string[];

  constructor(scope: Construct, id: string, props: CrossAccountCopyEventPolicyProps) {
    super(scope, id);
    this.region = props.region;
    this.snapshotOwners = [...props.snapshotOwners];
    if (props.snapshotOwners.length < 1 || props.snapshotOwners.length > MAX_SNAPSHOT_OWNERS_PER_POLICY) {
      throw new Error(
        `A cross-account copy event policy lists 1 to ${MAX_SNAPSHOT_OWNERS_PER_POLICY} snapshot owners, got ${props.snapshotOwners.length}`,
      );
    }
    if (props.copyTargets.length < 1 || props.copyTargets.length > MAX_COPY_REGIONS) {
      throw new Error(`The policy can copy snapshots to up to three Regions, got ${props.copyTargets.length}`);
    }
    assertDlmPolicyDescription(props.description);
    if (props.descriptionRegex.length < 1 || props.descriptionRegex.length > 1000) {
      throw new Error("The snapshot description filter is required and at most 1000 characters");
    }
    if (!Number.isInteger(props.retainRule.interval) || props.retainRule.interval < 1) {
      throw new Error(`Expected the retain interval to be a whole number of at least 1, got ${props.retainRule.interval}`);
    }

    this.policy = new DlmLifecyclePolicy(this, "policy", {
      provider: props.provider,
      description: props.description,
      executionRoleArn: props.executionRoleArn,
      state: "ENABLED",
      policyDetails: {
        policyType: "EVENT_BASED_POLICY",
        eventSource: {
          type: "MANAGED_CWE",
          parameters: {
            eventType: "shareSnapshot",
            snapshotOwner: [...props.snapshotOwners],
            descriptionRegex: props.descriptionRegex,
          },
        },
        action: {
          name: "Copy to DR regions under KMS-C",
          crossRegionCopy: props.copyTargets.map((target) => ({
            target: target.region,
            encryptionConfiguration: { encrypted: true, cmkArn: target.kmsKeyArn },
            retainRule: { interval: props.retainRule.interval, intervalUnit: props.retainRule.unit },
          })),
        },
      },
    });
  }
}
