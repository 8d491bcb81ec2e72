import { parseConfig } from "../../modules/config/load-config";
import { staleSources } from "../../modules/dr-account/freshness-check/stale-sources";
import { recoveryPointObjectives } from "../../modules/monitoring/recovery-point-objectives";
import { generateConfig } from "../../scripts/generate-config";
import type { DrCopyRecord } from "./dr-copy-policy-model";
import { simulateEstateInOwnProcess } from "./estate-in-own-process";
import { DAILY_ESTATE, type EstateOptions, type EstateRun } from "./estate-simulation";
import { maxRecoveryPointAgeHours, undeliveredSnapshots } from "./recovery-points";
import { DAY, HOUR } from "./sim-clock";

/**
 * A week of a DR estate — 1,000 source accounts × 5 volumes, daily snapshots spread over the schedule's hour —
 * through the copiers' real handler code, an EC2 model with the 20-copies quota, throttling, lost and duplicate
 * events, and the DR account's cross-account copy event policy. One source stops sending after three days.
 */

const ACCOUNTS = 1_000;
const VOLUMES = 5;
/** The source whose lifecycle policy stops after three days (deleted policy, broken key, compromised organization). */
const SILENT = { accountIndex: 500, afterHours: 3 * 24 + 20 };
/** Snapshot days of the run: the week and the drain day; the silent source's first four. */
const SNAPSHOT_DAYS = 8;
const SILENT_DAYS = 4;

const ESTATE: EstateOptions = {
  accounts: ACCOUNTS,
  volumesPerAccount: VOLUMES,
  days: 7,
  ...DAILY_ESTATE,
  // Minutes: incremental copies of a day's changes, full copies of whole volumes, snapshot creation.
  durations: { incremental: [1, 5], full: [60, 180], snapshot: [5, 30] },
  seed: 20251201,
  stopSending: SILENT,
};

/**
 * The objectives a configuration with this schedule gets by default: for EBS the daily interval plus 12 hours
 * (36 h). The schedules are staggered over 4 hours by default, so the 5,000 snapshots of a day reach the DR
 * account's 20-copy queue over 5 hours rather than one, and the queue's 12 hours of copying keep every volume
 * within the objective (with every account at the same time, the last copies land 36.7 hours after the previous
 * recovery point).
 */
const RPO_HOURS = recoveryPointObjectives(parseConfig(generateConfig({ sourceAccounts: 1 })));

describe("simulation: a week of 1,000 source accounts × 5 volumes", () => {
  let run: EstateRun;
  let silent: string;
  // As the freshness check sees a DR copy: aged from its StartTime, when DLM started it (freshness-check/dr-copies.ts).
  const ebsCopies = (copies: readonly DrCopyRecord[]) =>
    copies.map((copy) => ({ account: copy.sourceAccountId, region: copy.sourceRegion, flow: "ebs" as const, createdAt: copy.creationTime }));

  // About 270,000 handler invocations, in a process of its own (see estate-in-own-process.ts).
  beforeAll(async () => {
    run = await simulateEstateInOwnProcess(ESTATE);
    silent = run.accountIds[SILENT.accountIndex];
  }, 300_000);

  test("every snapshot of the week reaches the DR account; none is lost", () => {
    // GIVEN the snapshots of the seven days (four of the silent source)
    const week = run.sourceSnapshots.filter((snapshot) => snapshot.time.getTime() < run.start.getTime() + 7 * DAY);
    expect(week).toHaveLength(ACCOUNTS * VOLUMES * 7 - VOLUMES * (7 - SILENT_DAYS));

    // WHEN they are matched with the DR account's copies
    const missing = undeliveredSnapshots(week, run.drCopies());

    // THEN
    expect(missing).toEqual([]);
    expect(run.deadLetters).toEqual([]);
    expect(run.dlmFailures).toEqual([]);
  });

  test("the DR account's newest copy of every volume of a sending source is always younger than the recovery point objective", () => {
    // GIVEN the copies of the sources that kept sending
    const sending = run.drCopies().filter((copy) => copy.sourceAccountId !== silent);

    // WHEN
    const worst = maxRecoveryPointAgeHours(sending, run.start, run.end);

    // THEN
    expect(worst).toBeLessThan(RPO_HOURS.ebs);
  });

  test("the DR account's freshness check reports no source until the silent one's objective runs out, then exactly that one", () => {
    // GIVEN every source the DR account expects, and the silent source's newest recovery point
    const expected = run.accountIds.map((account) => ({ account, region: run.region, flow: "ebs" as const }));
    const lastHeard = Math.max(...run.drCopies().filter((copy) => copy.sourceAccountId === silent).map((copy) => copy.creationTime.getTime()));
    const landedBy = (time: number) => ebsCopies(run.drCopies().filter((copy) => copy.completionTime.getTime() <= time));
    const justBefore = lastHeard + RPO_HOURS.ebs * HOUR - HOUR;

    // WHEN the check runs an hour before the silent source's objective runs out, and at the end of the run
    const before = staleSources(expected, landedBy(justBefore), new Date(justBefore), RPO_HOURS);
    const atEnd = staleSources(expected, ebsCopies(run.drCopies()), run.end, RPO_HOURS);

    // THEN
    expect(before).toEqual([]);
    expect(atEnd.map((source) => `${source.account}/${source.region}`)).toEqual([`${silent}/${run.region}`]);
    expect(atEnd[0]).toEqual(expect.objectContaining({ flow: "ebs", reason: "too-old", rpoHours: RPO_HOURS.ebs, newestCopyAt: new Date(lastHeard).toISOString() }));
  });

  test("the copiers met the copy quota, throttling and lost events, and every transit copy stayed incremental", () => {
    expect(run.maxCopiesInProgress).toBeLessThanOrEqual(20);
    expect(run.ec2Calls.get("DescribeSnapshots:throttled")).toBeGreaterThan(0);
    expect(run.transitCopies).toEqual({ incremental: ACCOUNTS * VOLUMES * SNAPSHOT_DAYS - VOLUMES * (SNAPSHOT_DAYS - SILENT_DAYS), full: 0 });
    expect(run.logCounts.get("deleted")).toBeGreaterThan(0);
  });
});
