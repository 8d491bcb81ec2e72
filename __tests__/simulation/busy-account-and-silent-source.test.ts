import { DAILY_ESTATE, simulateEstate, type EstateOptions } from "./estate-simulation";
import { maxRecoveryPointAgeHours, undeliveredSnapshots } from "./recovery-points";
import { DAY } from "./sim-clock";

/** Smaller estates for what the large one does not reach: a source account over the copy quota, a silent source. */

const BASE: EstateOptions = {
  accounts: 1,
  volumesPerAccount: 60,
  days: 3,
  ...DAILY_ESTATE,
  durations: { incremental: [5, 20], full: [60, 180], snapshot: [5, 30] },
  seed: 7,
};

describe("simulation: one source account with 60 volumes (three times the concurrent copy quota)", () => {
  test("the copier never exceeds 20 copies in flight, defers the rest, and still delivers every snapshot", async () => {
    // WHEN three days run
    const run = await simulateEstate(BASE);

    // THEN
    const days = run.sourceSnapshots.filter((snapshot) => snapshot.time.getTime() < run.start.getTime() + 3 * DAY);
    expect(days).toHaveLength(60 * 3);
    expect(undeliveredSnapshots(days, run.drCopies())).toEqual([]);
    expect(run.maxCopiesInProgress).toBe(20);
    expect(run.ec2Calls.get("CopySnapshot:ResourceLimitExceeded")).toBeUndefined();
    expect(run.logCounts.get("deferred")).toBeGreaterThan(0);
    expect(run.deadLetters).toEqual([]);
    expect(maxRecoveryPointAgeHours(run.drCopies(), run.start, new Date(run.start.getTime() + 3 * DAY))).toBeLessThan(48);
  }, 300_000);
});

describe("simulation: a source that stops sending", () => {
  test("its DR copies stop at that time while every other source stays fresh (what a freshness check reads)", async () => {
    // GIVEN 20 accounts; account 7's lifecycle policy stops after 30 hours
    const run = await simulateEstate({ ...BASE, accounts: 20, volumesPerAccount: 5, stopSending: { accountIndex: 7, afterHours: 30 } });
    const silent = run.accountIds[7];

    // WHEN the DR account's copies are grouped by source
    const newestBySource = new Map<string, number>();
    for (const copy of run.drCopies()) {
      const key = `${copy.sourceAccountId}/${copy.sourceRegion}`;
      newestBySource.set(key, Math.max(newestBySource.get(key) ?? 0, copy.creationTime.getTime()));
    }

    // THEN only the silent source's newest copy is older than a day at the end
    const stale = [...newestBySource].filter(([, newest]) => run.end.getTime() - newest > DAY).map(([source]) => source);
    expect(stale).toEqual([`${silent}/eu-west-1`]);
    expect(newestBySource.size).toBe(20);
  }, 300_000);
});
