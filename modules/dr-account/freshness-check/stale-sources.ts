/**
 * The freshness check's decision, free of AWS: which expected sources have no DR-owned copy younger than the
 * recovery point objective. Dependency-free and deterministic (the clock is an argument), so that the Lambda
 * bundle, the handler tests and a simulation of the whole estate all call the same function.
 */

/**
 * The check runs once an hour (its schedule in freshness-check-function.ts): a source that went stale since the
 * previous run is at most this far past its objective.
 */
export const CHECK_INTERVAL_HOURS = 1;

/** The three ways data reaches the DR account. */
export type Flow = "ebs" | "rds" | "backup";
export const FLOWS: readonly Flow[] = ["ebs", "rds", "backup"];

/** One source the DR account must hear from: a source account, one of its regions, one flow. */
export interface ExpectedSource {
  readonly account: string;
  readonly region: string;
  readonly flow: Flow;
}

/** A copy the DR account owns, attributed to the source it came from. */
export interface DrCopy extends ExpectedSource {
  /** When the copy's data was taken (or, where AWS keeps no such time, when the copy was made). */
  readonly createdAt: Date;
}

/** A source whose newest DR-owned copy is missing or older than its flow's recovery point objective. */
export interface StaleSource extends ExpectedSource {
  readonly reason: "no-copy" | "too-old";
  /** ISO time of the newest copy, when there is one. */
  readonly newestCopyAt?: string;
  /** Age of the newest copy in hours (one decimal), when there is one. */
  readonly ageHours?: number;
  readonly rpoHours: number;
}

export const sourceKey = (source: ExpectedSource) => `${source.flow}/${source.account}/${source.region}`;

/** The newest copy of every source among `copies` (any number per source, in any order). */
export function newestCopies(copies: Iterable<DrCopy>): Map<string, DrCopy> {
  const newest = new Map<string, DrCopy>();
  for (const copy of copies) {
    const key = sourceKey(copy);
    const current = newest.get(key);
    if (!current || copy.createdAt.getTime() > current.createdAt.getTime()) newest.set(key, copy);
  }
  return newest;
}

/**
 * The expected sources that are stale at `now`: no copy at all, or a newest copy older than `rpoHours` of the
 * source's flow. A copy of a source that is not expected is ignored (it is not this check's business); a copy
 * dated in the future counts as fresh. The result keeps the order of `expected`, each source at most once.
 *
 * @param expected the sources that must send (every configured account × region × flow landing here)
 * @param copies the DR-owned copies found, attributed to their source; `newestCopies` is applied to them
 * @param now the time of the check
 * @param rpoHours the recovery point objective of each flow, in hours
 */
export function staleSources(
  expected: readonly ExpectedSource[],
  copies: Iterable<DrCopy> | ReadonlyMap<string, DrCopy>,
  now: Date,
  rpoHours: Readonly<Record<Flow, number>>,
): StaleSource[] {
  const newest = copies instanceof Map ? (copies as ReadonlyMap<string, DrCopy>) : newestCopies(copies as Iterable<DrCopy>);
  const seen = new Set<string>();
  const stale: StaleSource[] = [];
  for (const source of expected) {
    const key = sourceKey(source);
    if (seen.has(key)) continue;
    seen.add(key);
    const rpo = rpoHours[source.flow];
    if (!(rpo > 0)) throw new Error(`The recovery point objective of flow ${source.flow} must be a positive number of hours, got ${rpo}`);
    const identity = { account: source.account, region: source.region, flow: source.flow };
    const copy = newest.get(key);
    if (!copy) {
      stale.push({ ...identity, reason: "no-copy", rpoHours: rpo });
      continue;
    }
    const ageHours = (now.getTime() - copy.createdAt.getTime()) / 3_600_000;
    if (ageHours > rpo) {
      stale.push({ ...identity, reason: "too-old", newestCopyAt: copy.createdAt.toISOString(), ageHours: Math.round(ageHours * 10) / 10, rpoHours: rpo });
    }
  }
  return stale;
}

/**
 * The stale sources that went stale within the last `intervalHours` (the check's schedule): their newest copy
 * passed the objective since the previous run. Counted apart, so that one more stale source notifies someone
 * even while the count of stale sources is already above zero. A source with no copy at all never counts here:
 * it is stale from the first run on, which the count already reports.
 */
export function newlyStale(stale: readonly StaleSource[], intervalHours: number): StaleSource[] {
  return stale.filter((source) => source.reason === "too-old" && source.ageHours !== undefined && source.ageHours - source.rpoHours <= intervalHours);
}
