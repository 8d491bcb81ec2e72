/**
 * The longest time between two consecutive runs of a schedule: what a default derived from a schedule needs (the
 * worst case, not the average): the recovery point objectives and the transit copy retention rule both read it.
 *
 * DLM's CreateRule.CronExpression ("The schedule, as a Cron expression. The schedule interval must be between 1 hour
 * and 1 year", DLM API reference) and AWS Backup's ScheduleExpression use the EventBridge format ("Cron expressions
 * reference", Amazon EventBridge User Guide): `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)`
 * in UTC, with `, - * /` in every field, `?` `L` `W` in the day-of-month, `?` `L` `#` in the day-of-week (1-7 or
 * SUN-SAT), "You can't use * in both the Day-of-month and Day-of-week fields. If you use it in one, you must use ? in
 * the other", and at most one expression in a day-of-week field with `#`. The forms the reference names without
 * defining them follow Quartz's CronExpression, whose syntax it is: `nW` is the weekday nearest day n without
 * leaving the month, `nL` in the day-of-week the month's last such weekday, `L` alone there Saturday.
 *
 * The runs are enumerated day by day over a whole Gregorian cycle (400 years = 146,097 days = 20,871 weeks, after
 * which dates and weekdays repeat; or the years 1970-2199 the year field allows when it is not `*`), so every
 * calendar effect (month lengths, leap years, weekends, "first Monday") is counted, including the gap from the
 * cycle's last run to the next cycle's first.
 */

export const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
export const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const SATURDAY = 7;
const SUNDAY = 1;
const CYCLE_DAYS = 146_097;
/** The days enumerated: a whole Gregorian cycle for `*` years, else every year the field allows. */
const GREGORIAN_CYCLE = { firstYear: 2000, lastYear: 2399, weekdayOfFirstDay: SATURDAY }; // 1 January 2000
const EXPLICIT_YEARS = { firstYear: 1970, lastYear: 2199, weekdayOfFirstDay: 5 }; // 1 January 1970, a Thursday
const MINUTES_PER_DAY = 24 * 60;

/** The schedule of an EBS snapshot policy: every N hours, or a cron expression. */
export interface SnapshotSchedule {
  readonly intervalHours?: number;
  readonly cronExpression?: string;
}

/**
 * The longest time between two snapshots of the schedule, in hours: `intervalHours` (DLM's interval schedules
 * repeat every N hours from their start time), else the cron expression's longest gap; undefined when neither
 * gives one (see {@link cronIntervalHours}).
 */
export function snapshotScheduleIntervalHours(schedule: SnapshotSchedule): number | undefined {
  if (schedule.intervalHours !== undefined) return schedule.intervalHours;
  return schedule.cronExpression === undefined ? undefined : cronIntervalHours(schedule.cronExpression);
}

/**
 * The longest time between two consecutive runs of `cron(...)`, in hours (fractions when the minutes differ).
 * With a year field other than `*` (AWS Backup accepts one, DLM does not) the runs are those of its years, and the
 * time after the last run is not a gap between two runs. Undefined, never a guess, when the expression is not an
 * EventBridge cron expression or runs fewer than twice (`30 2` for the 30th of February never runs).
 */
export function cronIntervalHours(expression: string): number | undefined {
  const schedule = parseCron(expression);
  if (!schedule) return undefined;
  const { timesOfDay, months, years, runsOn } = schedule;
  const dayGapMinutes = (days: number) => days * MINUTES_PER_DAY + timesOfDay[0] - timesOfDay[timesOfDay.length - 1];
  let longest = Math.max(0, ...timesOfDay.slice(1).map((time, index) => time - timesOfDay[index]));
  let firstRunDay: number | undefined;
  let lastRunDay: number | undefined;
  let runDays = 0;
  const runsByMonthShape = new Map<number, MonthRuns | null>();
  const calendar = years ? EXPLICIT_YEARS : GREGORIAN_CYCLE;
  let day0 = 0; // days from the calendar's start to the month's 1st
  let weekdayOfFirst = calendar.weekdayOfFirstDay;
  for (let year = calendar.firstYear; year <= calendar.lastYear; year += 1) {
    for (let month = 1; month <= 12; month += 1) {
      const length = daysInMonth(year, month);
      if (months.has(month) && (!years || years.has(year))) {
        // Which days of a month run depends only on its length and the weekday of its 1st: 28 shapes.
        const shape = length * 8 + weekdayOfFirst;
        let runs = runsByMonthShape.get(shape);
        if (runs === undefined) {
          runs = monthRuns(length, (day) => runsOn(day, length, weekdayOfFirst));
          runsByMonthShape.set(shape, runs);
        }
        if (runs) {
          if (lastRunDay !== undefined) longest = Math.max(longest, dayGapMinutes(day0 + runs.first - 1 - lastRunDay));
          if (runs.longestDayGap > 0) longest = Math.max(longest, dayGapMinutes(runs.longestDayGap));
          firstRunDay ??= day0 + runs.first - 1;
          lastRunDay = day0 + runs.last - 1;
          runDays += runs.count;
        }
      }
      day0 += length;
      weekdayOfFirst = ((weekdayOfFirst - 1 + length) % 7) + 1;
    }
  }
  if (firstRunDay === undefined || lastRunDay === undefined || runDays * timesOfDay.length < 2) return undefined;
  // A cycle's last run is followed by the next cycle's first.
  if (!years) longest = Math.max(longest, dayGapMinutes(firstRunDay + CYCLE_DAYS - lastRunDay));
  return longest / 60;
}

/** The days of a month that run: the first, the last, their number and the longest gap in days between two (0 if one). */
interface MonthRuns {
  readonly first: number;
  readonly last: number;
  readonly longestDayGap: number;
  readonly count: number;
}

function monthRuns(length: number, runs: (day: number) => boolean): MonthRuns | null {
  let first: number | undefined;
  let last: number | undefined;
  let longestDayGap = 0;
  let count = 0;
  for (let day = 1; day <= length; day += 1) {
    if (!runs(day)) continue;
    count += 1;
    if (last !== undefined) longestDayGap = Math.max(longestDayGap, day - last);
    first ??= day;
    last = day;
  }
  return first === undefined || last === undefined ? null : { first, last, longestDayGap, count };
}

interface CronSchedule {
  /** Minutes after midnight UTC of the runs of a day, ascending. */
  readonly timesOfDay: number[];
  readonly months: ReadonlySet<number>;
  /** Undefined for `*`: every year. */
  readonly years?: ReadonlySet<number>;
  /** Whether a day runs, given its month's length and the weekday (1 = Sunday) of the month's 1st. */
  readonly runsOn: (day: number, monthLength: number, weekdayOfFirst: number) => boolean;
}

function parseCron(expression: string): CronSchedule | undefined {
  const fields = /^cron\((.*)\)$/.exec(expression.trim())?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6) return undefined;
  const [minuteField, hourField, dayOfMonthField, monthField, dayOfWeekField, yearField] = fields;
  const minutes = parseValues(minuteField, 0, 59);
  const hours = parseValues(hourField, 0, 23);
  const months = parseValues(monthField, 1, 12, MONTHS);
  const years = yearField === "*" ? undefined : parseValues(yearField, 1970, 2199);
  if (!minutes || !hours || !months || (yearField !== "*" && !years)) return undefined;
  if ((dayOfMonthField === "?") === (dayOfWeekField === "?")) return undefined;
  const runsOn = dayOfWeekField === "?" ? parseDayOfMonth(dayOfMonthField) : parseDayOfWeek(dayOfWeekField);
  if (!runsOn) return undefined;
  const timesOfDay = [...hours].flatMap((hour) => [...minutes].map((minute) => hour * 60 + minute)).sort((a, b) => a - b);
  return { timesOfDay, months, ...(years ? { years } : {}), runsOn };
}

/** `*`, `n`, `a-b`, `a/n`, `*\/n`, `a-b/n` and comma lists of them (names allowed) → the values, or undefined. */
export function parseValues(field: string, min: number, max: number, names?: readonly string[]): Set<number> | undefined {
  const values = new Set<number>();
  for (const item of field.split(",")) {
    const range = parseRange(item, min, max, names);
    if (!range) return undefined;
    for (let value = range.from; value <= range.to; value += range.step) values.add(value);
  }
  return values;
}

function parseRange(item: string, min: number, max: number, names?: readonly string[]) {
  const match = /^(\*|\w+)(?:-(\w+))?(?:\/(\d+))?$/.exec(item);
  if (!match) return undefined;
  const [, start, end, step] = match;
  if (start === "*" && end !== undefined) return undefined;
  const from = start === "*" ? min : valueOf(start, min, max, names);
  // `a/n` runs from a to the field's end, like `*\/n` from its start.
  const to = end !== undefined ? valueOf(end, min, max, names) : start === "*" || step !== undefined ? max : from;
  const increment = step === undefined ? 1 : Number(step);
  if (from === undefined || to === undefined || from > to || increment < 1) return undefined;
  return { from, to, step: increment };
}

function valueOf(text: string, min: number, max: number, names?: readonly string[]): number | undefined {
  const index = names?.indexOf(text.toUpperCase()) ?? -1;
  const value = index >= 0 ? min + index : /^\d+$/.test(text) ? Number(text) : undefined;
  return value !== undefined && value >= min && value <= max ? value : undefined;
}

type DayTest = CronSchedule["runsOn"];

const weekdayOf = (day: number, weekdayOfFirst: number) => ((weekdayOfFirst - 1 + day - 1) % 7) + 1;

/** The weekday nearest `target` in the month, not leaving it (Quartz `W`). */
function nearestWeekday(target: number, monthLength: number, weekdayOfFirst: number): number {
  const weekday = weekdayOf(target, weekdayOfFirst);
  if (weekday === SATURDAY) return target === 1 ? 3 : target - 1;
  if (weekday === SUNDAY) return target === monthLength ? target - 2 : target + 1;
  return target;
}

/** Day-of-month items: values, ranges and steps, `L` (last day), `LW` (last weekday), `nW` (nearest weekday). */
export function parseDayOfMonth(field: string): DayTest | undefined {
  const tests: DayTest[] = [];
  for (const item of field.toUpperCase().split(",")) {
    const nearest = /^(\d+)W$/.exec(item);
    if (item === "L") tests.push((day, length) => day === length);
    else if (item === "LW") tests.push((day, length, first) => day === nearestWeekday(length, length, first));
    else if (nearest) {
      const target = Number(nearest[1]);
      if (target < 1 || target > 31) return undefined;
      // A month shorter than the target has no such run: the longer gap is the safe reading.
      tests.push((day, length, first) => target <= length && day === nearestWeekday(target, length, first));
    } else {
      const days = parseValues(item, 1, 31);
      if (!days) return undefined;
      tests.push((day) => days.has(day));
    }
  }
  return (day, length, first) => tests.some((test) => test(day, length, first));
}

/** Day-of-week items (1 = SUN): values, names, ranges, `L` (Saturday), `nL` (the month's last), `n#k` (its k-th). */
export function parseDayOfWeek(field: string): DayTest | undefined {
  const items = field.toUpperCase().split(",");
  if (items.length > 1 && items.some((item) => item.includes("#"))) return undefined;
  const tests: DayTest[] = [];
  for (const item of items) {
    const last = /^(\w+)L$/.exec(item);
    const nth = /^(\w+)#(\d)$/.exec(item);
    if (item === "L") tests.push((day, _length, first) => weekdayOf(day, first) === SATURDAY);
    else if (last || nth) {
      const weekday = valueOf((last ?? nth)![1], 1, 7, WEEKDAYS);
      const occurrence = nth ? Number(nth[2]) : undefined;
      if (weekday === undefined || (occurrence !== undefined && (occurrence < 1 || occurrence > 5))) return undefined;
      tests.push((day, length, first) =>
        weekdayOf(day, first) === weekday && (occurrence === undefined ? day + 7 > length : Math.ceil(day / 7) === occurrence),
      );
    } else {
      const weekdays = parseValues(item, 1, 7, WEEKDAYS);
      if (!weekdays) return undefined;
      tests.push((day, _length, first) => weekdays.has(weekdayOf(day, first)));
    }
  }
  return (day, length, first) => tests.some((test) => test(day, length, first));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
