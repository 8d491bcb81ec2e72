import * as path from "path";
import { loadConfig } from "../../modules/config/load-config";
import { transitCopyContract } from "../../modules/config/naming";
import type { SnapshotCopierEvent } from "../../modules/source-account/snapshot-copier/handler";
import { SOURCE_START_TIME_TAG } from "../../modules/source-account/snapshot-copier/transit-copy-tags";
import type { DrCopyRecord } from "./dr-copy-policy-model";
import { simulateDrRegion } from "./dr-region-simulation";
import type { SimSnapshot } from "./ec2-model";
import type { EstateOptions, SourceSnapshotRecord } from "./estate-options";
import { DAY, HOUR, seededRandom } from "./sim-clock";
import { simulateSourceAccount, type SourceAccountRun } from "./source-account-simulation";

export { DAILY_ESTATE, type EstateOptions, type SourceSnapshotRecord } from "./estate-options";

/**
 * A DR estate over simulated days: source accounts whose lifecycle policies snapshot tagged volumes daily, each
 * with its REAL snapshot copier handler and its own model of EC2 (source-account-simulation.ts), and the DR
 * account's cross-account copy event policy (dr-region-simulation.ts). Seeded: the same options give the same run.
 *
 * The accounts run one after another, each its whole run, and the DR account last. That is the same run as one
 * interleaved clock: a source account shares nothing with another (its copier, its quota, its snapshots are its
 * own), and nothing flows from the DR account back to a source — the DR side only reads what sources shared, until
 * they delete it, and both are recorded with their times. It is also three times faster: one account's snapshots
 * stay in the processor's cache for its whole run, where 1,000 interleaved accounts do not.
 */

export interface EstateRun {
  readonly start: Date;
  readonly end: Date;
  readonly accountIds: readonly string[];
  readonly region: string;
  /** The seam for a freshness check: every copy the DR account owns (source account, source region, creation time). */
  drCopies(): readonly DrCopyRecord[];
  readonly sourceSnapshots: readonly SourceSnapshotRecord[];
  readonly deadLetters: readonly { readonly accountId: string; readonly event: SnapshotCopierEvent; readonly error: string }[];
  readonly dlmFailures: readonly { readonly transitCopyId: string; readonly reason: string }[];
  readonly logCounts: ReadonlyMap<string, number>;
  readonly ec2Calls: ReadonlyMap<string, number>;
  /** Highest number of copies ever in progress in one account and region, source or DR. */
  readonly maxCopiesInProgress: number;
  readonly maxDlmWaiting: number;
  readonly transitCopies: { readonly incremental: number; readonly full: number };
  readonly invocations: number;
}

export const DR_ACCOUNT_ID = "999999999999";
const SIM_START = Date.parse("2025-06-02T00:00:00.000Z");

export async function simulateEstate(options: EstateOptions): Promise<EstateRun> {
  const contract = transitCopyContract(loadConfig(path.join(__dirname, "../../config/example.yaml")));
  const { region } = options;
  const end = SIM_START + options.days * DAY + options.drainHours * HOUR;
  const logCounts = new Map<string, number>();
  const log = (entry: Record<string, unknown>) => {
    const decision = String(entry.decision);
    logCounts.set(decision, (logCounts.get(decision) ?? 0) + 1);
  };
  const estate = {
    options,
    contract,
    start: SIM_START,
    end,
    drAccountId: DR_ACCOUNT_ID,
    kmsBAliasArn: `arn:aws:kms:${region}:${DR_ACCOUNT_ID}:alias/snapshot-dr/kms-b`,
    log,
  };

  const sources: SourceAccountRun[] = [];
  for (let index = 0; index < options.accounts; index++) sources.push(await simulateSourceAccount(estate, index));

  const sourceTime = (copy: SimSnapshot) => Date.parse(copy.tags.find((tag) => tag.Key === SOURCE_START_TIME_TAG)?.Value ?? "");
  const dr = await simulateDrRegion({
    region,
    drAccountId: DR_ACCOUNT_ID,
    drKmsKeyId: `arn:aws:kms:${region}:${DR_ACCOUNT_ID}:key/00000000-0000-0000-0000-00000000000c`,
    snapshotOwners: new Set(sources.map((source) => source.accountId)),
    descriptionRegex: new RegExp(contract.descriptionRegex),
    recoveryPointOf: sourceTime,
    durations: options.durations,
    random: seededRandom(options.seed),
    start: SIM_START,
    end,
    volumes: sources.flatMap((source) => source.volumes.map((volume) => ({ accountId: source.accountId, ...volume }))),
    shares: sources.flatMap((source) => source.shares),
  });

  const ec2Calls = new Map<string, number>();
  for (const source of sources) for (const [call, count] of source.calls) ec2Calls.set(call, (ec2Calls.get(call) ?? 0) + count);
  const sum = (of: (source: SourceAccountRun) => number) => sources.reduce((total, source) => total + of(source), 0);
  return {
    start: new Date(SIM_START),
    end: new Date(end),
    accountIds: sources.map((source) => source.accountId),
    region,
    drCopies: () => dr.copies,
    sourceSnapshots: sources.flatMap((source) => source.sourceSnapshots),
    deadLetters: sources.flatMap((source) => source.deadLetters),
    dlmFailures: dr.failures,
    logCounts,
    ec2Calls,
    maxCopiesInProgress: Math.max(dr.maxCopiesInProgress, ...sources.map((source) => source.maxCopiesInProgress)),
    maxDlmWaiting: dr.maxWaiting,
    transitCopies: { incremental: sum((source) => source.transitCopies.incremental), full: sum((source) => source.transitCopies.full) },
    invocations: sum((source) => source.invocations),
  };
}
