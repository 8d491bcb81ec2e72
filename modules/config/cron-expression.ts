/**
 * The cron expressions Amazon Data Lifecycle Manager and AWS Backup accept. Both use the EventBridge format
 * ("Cron expressions reference", Amazon EventBridge User Guide): `cron(<minutes> <hours> <day-of-month> <month>
 * <day-of-week> <year>)`, six required fields; the day-of-month and the day-of-week cannot both be given (one
 * of them must be `?`). The fields are read by cron-interval.ts's parsers, so that what is accepted here is what
 * the intervals are computed from. On top of that each service has its own rules:
 * - DLM (CreateRule.CronExpression, DLM API reference): pattern `cron\([^\n]{11,100}\)`; "The schedule interval
 *   must be between 1 hour and 1 year".
 * - AWS Backup ("Backup plan options and configuration", AWS Backup Developer Guide): "You can also create a cron
 *   expression that creates snapshot backups as frequently as hourly"; the service rejects a shorter one with "The
 *   interval between backup jobs shouldn't be less than 60 minutes". No longest interval is documented.
 * Returns the reasons an expression is rejected, empty when it is accepted.
 */
import { cronIntervalHours, MONTHS, parseDayOfMonth, parseDayOfWeek, parseValues, WEEKDAYS } from "./cron-interval";

const DLM_INTERVAL_RULE = "The schedule interval must be between 1 hour and 1 year";
const BACKUP_INTERVAL_RULE = "The interval between backup jobs shouldn't be less than 60 minutes";

/**
 * DLM's "1 year", in hours: 366 days, the longest calendar year. A yearly schedule (`cron(0 3 1 1 ? *)`) runs
 * exactly one year apart, which is 8,760 hours or, across a 29 February, 8,784; reading "1 year" as 365 days would
 * reject every yearly schedule, which the rule's upper bound names as allowed.
 */
const DLM_LONGEST_INTERVAL_HOURS = 366 * 24;

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Whether the field may be `?` (no specific value). */
  readonly question?: boolean;
  /** Whether the field is valid, `?` aside. */
  readonly parses: (text: string) => boolean;
}

const valuesField = (name: string, min: number, max: number, names?: readonly string[]): CronField => ({
  name,
  min,
  max,
  ...(names ? { names } : {}),
  parses: (text) => parseValues(text, min, max, names) !== undefined,
});

const FIELDS: readonly CronField[] = [
  valuesField("minutes", 0, 59),
  valuesField("hours", 0, 23),
  // Also `L` (last day), `LW` (last weekday), `15W` (weekday nearest the 15th).
  { name: "day-of-month", min: 1, max: 31, question: true, parses: (text) => parseDayOfMonth(text) !== undefined },
  valuesField("month", 1, 12, MONTHS),
  // Also `L` (last day of the week), `6L` (last Friday), `3#2` (second Tuesday).
  { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS, question: true, parses: (text) => parseDayOfWeek(text) !== undefined },
  valuesField("year", 1970, 2199),
];

function fieldProblem(text: string, field: CronField): string | undefined {
  if (text === "?" && field.question) return undefined;
  if (field.name === "day-of-week" && text.includes("#") && text.includes(",")) {
    return `the day-of-week field '${text}' may hold only one expression with '#'`;
  }
  if (text !== "?" && field.parses(text)) return undefined;
  const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : "";
  return `the ${field.name} field '${text}' is not valid (${field.min}-${field.max}${names})`;
}

/** `8904` → "371 days", `8903` → "370 days 23 hours". */
function describeHours(hours: number): string {
  const days = Math.floor(hours / 24);
  const rest = Math.round((hours - days * 24) * 60) / 60;
  return rest === 0 ? `${days} days` : `${days} days ${rest} hours`;
}

/** DLM's upper bound: the longest gap between two runs, over the whole calendar cycle (see cron-interval.ts). */
function dlmLongestIntervalProblem(expression: string, yearField: string): string | undefined {
  const hours = cronIntervalHours(expression);
  if (hours === undefined) {
    return yearField === "*"
      ? `${DLM_INTERVAL_RULE}: no date matches the expression, so it never runs`
      : `${DLM_INTERVAL_RULE}: the expression runs fewer than twice`;
  }
  if (hours > DLM_LONGEST_INTERVAL_HOURS) {
    return `${DLM_INTERVAL_RULE}: its runs can be ${describeHours(hours)} apart, more than a year (366 days)`;
  }
  return undefined;
}

export type CronService = "dlm" | "backup";

export function cronExpressionProblems(expression: string, service: CronService): string[] {
  const match = /^cron\((.*)\)$/.exec(expression);
  if (!match) return ["expected cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)"];
  if (service === "dlm" && !/^cron\([^\n]{11,100}\)$/.test(expression)) {
    return ["must match cron\\([^\\n]{11,100}\\) (the DLM CronExpression pattern)"];
  }
  const parts = match[1].trim().split(/\s+/);
  if (parts.length !== 6) {
    return [`expected six fields, cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), got ${parts.length}`];
  }
  const problems = parts.flatMap((part, index) => fieldProblem(part, FIELDS[index]) ?? []);
  if (problems.length > 0) return problems;
  const daysValid = (parts[2] === "?") !== (parts[4] === "?");
  if (!daysValid) problems.push("set one of day-of-month and day-of-week to '?' (they cannot both be specified, nor both be '?')");
  // Runs on one minute of the hour are whole hours apart; two minutes put two runs of the same hour less than an hour
  // apart, so this is exactly "at least 1 hour" (60 minutes).
  if ((parseValues(parts[0], 0, 59)?.size ?? 0) > 1) {
    problems.push(`${service === "dlm" ? DLM_INTERVAL_RULE : BACKUP_INTERVAL_RULE}: the minutes field must select a single minute`);
  }
  if (service === "dlm") {
    // A year list or range ends the schedule; DLM schedules repeat at least once a year.
    if (parts[5] !== "*") problems.push(`${DLM_INTERVAL_RULE}: the year field must be '*'`);
    // Without a valid pair of day fields there are no runs to measure.
    const longest = daysValid ? dlmLongestIntervalProblem(expression, parts[5]) : undefined;
    if (longest) problems.push(longest);
  }
  return problems;
}
