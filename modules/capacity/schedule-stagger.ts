import { createHash } from "crypto";
import type { SnapshotDrConfig } from "../config/load-config";

/**
 * Spreading the EBS snapshot schedules: every source account starts its DLM schedule at `ebs.schedule.time` plus
 * an offset derived from its account ID by a stable hash (SHA-256, so the output stays byte-identical across runs
 * and machines), within `capacity.staggerWindowMinutes`. The window is capped at the schedule interval, after
 * which the offsets would wrap onto the next run.
 *
 * Left as configured: `cronExpression` schedules (the operator chose the exact times), schedules without a
 * `time` (DLM then picks a start time in the next 24 hours itself), AWS Backup rules (AWS Backup starts each job
 * within the rule's start window) and RDS (snapshots follow each database's backup window; the copier reacts to
 * their events).
 */

/** The minutes over which the schedules of the accounts are spread (0 when they are not). */
export function staggerWindowMinutes(config: SnapshotDrConfig): number {
  const { intervalHours, time, cronExpression } = config.ebs.schedule;
  if (cronExpression !== undefined || intervalHours === undefined || time === undefined) return 0;
  return Math.min(config.capacity.staggerWindowMinutes, intervalHours * 60);
}

/** A stable offset in [0, windowMinutes) for an account: the first 6 bytes of SHA-256 of its ID, modulo the window. */
export function staggerOffsetMinutes(accountId: string, windowMinutes: number): number {
  if (windowMinutes <= 0) return 0;
  const digest = createHash("sha256").update(`snapshot-dr:stagger:${accountId}`).digest();
  return digest.readUIntBE(0, 6) % windowMinutes;
}

/** The offset of a source account's schedule under this configuration. */
export const scheduleOffsetMinutes = (config: SnapshotDrConfig, accountId: string): number =>
  staggerOffsetMinutes(accountId, staggerWindowMinutes(config));

/** `hh:mm` plus minutes, wrapped to the day (DLM times are `hh:mm` in UTC). */
export function shiftUtcTime(time: string, minutes: number): string {
  const [hours, mins] = time.split(":").map(Number);
  const total = (((hours * 60 + mins + minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
}
