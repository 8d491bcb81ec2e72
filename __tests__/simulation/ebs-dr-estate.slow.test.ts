import { DAILY_ESTATE, simulateEstate, type EstateOptions, type EstateRun } from "./estate-simulation";
import { DAY } from "./sim-clock";
import { maxRecoveryPointAgeHours, undeliveredSnapshots } from "./recovery-points";

/**
 * A week of a DR estate — 1,000 source accounts × 5 volumes, daily snapshots spread over the schedule's hour —
 * through the copiers' real handler code, an EC2 model with the 20-copies quota, throttling, lost and duplicate
 * events, and the DR account's cross-account copy event policy.
 */

const ESTATE: EstateOptions = {
  accounts: 1_000,
  volumesPerAccount: 5,
  days: 7,
  ...DAILY_ESTATE,
  // Minutes: incremental copies of a day's changes, full copies of whole volumes, snapshot creation.
  durations: { incremental: [1, 5], full: [60, 180], snapshot: [5, 30] },
  seed: 20251201,
};

/** The recovery point objective of the EBS flow: the daily interval plus a day for copies to land. */
const RPO_HOURS = 48;

describe("simulation: a week of 1,000 source accounts × 5 volumes", () => {
  let run: EstateRun;

  // About 270,000 handler invocations: seconds on an idle machine, minutes on a crowded one.
  beforeAll(async () => {
    run = await simulateEstate(ESTATE);
  }, 900_000);

  test("every snapshot of the week reaches the DR account; none is lost", () => {
    // GIVEN the snapshots of the seven days
    const week = run.sourceSnapshots.filter((snapshot) => snapshot.time.getTime() < run.start.getTime() + 7 * DAY);
    expect(week).toHaveLength(1_000 * 5 * 7);

    // WHEN they are matched with the DR account's copies
    const missing = undeliveredSnapshots(week, run.drCopies());

    // THEN
    expect(missing).toEqual([]);
    expect(run.deadLetters).toEqual([]);
    expect(run.dlmFailures).toEqual([]);
  });

  test("the DR account's newest copy of every volume is always younger than the recovery point objective", () => {
    // WHEN
    const worst = maxRecoveryPointAgeHours(run.drCopies(), run.start, new Date(run.start.getTime() + 7 * DAY));

    // THEN
    expect(worst).toBeLessThan(RPO_HOURS);
  });

  test("the copiers met the copy quota, throttling and lost events, and every transit copy stayed incremental", () => {
    expect(run.maxCopiesInProgress).toBeLessThanOrEqual(20);
    expect(run.ec2Calls.get("DescribeSnapshots:throttled")).toBeGreaterThan(0);
    expect(run.transitCopies).toEqual({ incremental: 1_000 * 5 * 8, full: 0 });
    expect(run.logCounts.get("deleted")).toBeGreaterThan(0);
  });
});
