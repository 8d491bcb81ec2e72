import { parseConfig } from "../../modules/config/load-config";
import { staleSources } from "../../modules/dr-account/freshness-check/stale-sources";
import { recoveryPointObjectives } from "../../modules/monitoring/recovery-point-objectives";
import { generateConfig } from "../../scripts/generate-config";
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
    // GIVEN the 60 volumes snapshot within five minutes of each other, every day
    const burst = { ...BASE, windowMinutes: 5 };

    // WHEN three days run
    const run = await simulateEstate(burst);

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
  test("the DR account's freshness check reports exactly that source, with the estate's default recovery point objective", async () => {
    // GIVEN 20 accounts; account 7's lifecycle policy stops after 30 hours
    const run = await simulateEstate({ ...BASE, accounts: 20, volumesPerAccount: 5, stopSending: { accountIndex: 7, afterHours: 30 } });
    const silent = run.accountIds[7];
    // AND the objective a configuration with this daily schedule gets by default (the interval + a copy margin)
    const rpoHours = recoveryPointObjectives(parseConfig(generateConfig({ sourceAccounts: 1 })));

    // WHEN the freshness check's own decision runs over the DR account's copies at the end of the run, each aged
    // from its StartTime as the check reads it (freshness-check/dr-copies.ts)
    const expected = run.accountIds.map((account) => ({ account, region: run.region, flow: "ebs" as const }));
    const copies = run.drCopies().map((copy) => ({ account: copy.sourceAccountId, region: copy.sourceRegion, flow: "ebs" as const, createdAt: copy.creationTime }));
    const stale = staleSources(expected, copies, run.end, rpoHours);

    // THEN only the silent source is stale, its newest copy from before it stopped
    expect(stale.map((source) => `${source.account}/${source.region}`)).toEqual([`${silent}/eu-west-1`]);
    expect(stale[0]).toEqual(expect.objectContaining({ flow: "ebs", reason: "too-old", rpoHours: rpoHours.ebs }));
    const newest = run.drCopies().filter((copy) => copy.sourceAccountId === silent).reduce((a, b) => (b.creationTime > a.creationTime ? b : a));
    expect(stale[0].newestCopyAt).toBe(newest.creationTime.toISOString());
    expect(newest.recoveryPoint.getTime()).toBeLessThanOrEqual(run.start.getTime() + 30 * 60 * 60 * 1000);
    // AND every other source has a copy within the objective
    expect(new Set(copies.map((copy) => copy.account)).size).toBe(20);
  }, 300_000);
});
