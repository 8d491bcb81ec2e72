/**
 * The cron expressions Amazon Data Lifecycle Manager and AWS Backup accept. Both use the EventBridge format
 * ("Cron expressions reference", Amazon EventBridge User Guide): `cron(<minutes> <hours> <day-of-month> <month>
 * <day-of-week> <year>)`, six required fields; the day-of-month and the day-of-week cannot both be given (one
 * of them must be `?`). On top of that each service has its own rules:
 * - DLM (CreateRule.CronExpression): pattern `cron\([^\n]{11,100}\)`; "The schedule interval must be between 1
 *   hour and 1 year".
 * - AWS Backup (BackupRuleInput.ScheduleExpression): "The interval between backup jobs shouldn't be less than
 *   60 minutes".
 * Returns the reasons an expression is rejected, empty when it is accepted.
 */

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Special forms besides values, ranges, `*` and steps. */
  readonly special?: RegExp;
  readonly question?: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  // `L` (last day), `LW` (last weekday), `15W` (weekday nearest the 15th).
  { name: "day-of-month", min: 1, max: 31, special: /^(L|LW|([1-9]|[12]\d|3[01])W)$/, question: true },
  { name: "month", min: 1, max: 12, names: MONTHS },
  // `L` (last day of the week), `6L` (last Friday), `3#2` (second Tuesday).
  { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS, special: /^(L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/, question: true },
  { name: "year", min: 1970, max: 2199 },
];

function valueOf(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index >= 0 ? field.min + index : undefined;
}

/** The values one field selects (`undefined` for `?` and the special forms), or a reason it is invalid. */
function parseField(text: string, field: CronField): { values?: Set<number>; error?: string } {
  const invalid = { error: `the ${field.name} field '${text}' is not valid (${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : ""})` };
  if (text === "?") return field.question ? {} : invalid;
  const items = text.split(",");
  if (items.some((item) => item.includes("#")) && items.length > 1) {
    return { error: `the day-of-week field '${text}' may hold only one expression with '#'` };
  }
  const values = new Set<number>();
  for (const item of items) {
    if (field.special?.test(item.toUpperCase())) return {};
    const [base, step, ...rest] = item.split("/");
    if (rest.length > 0 || base === "") return invalid;
    let from: number | undefined;
    let to: number | undefined;
    if (base === "*") {
      from = field.min;
      to = field.max;
    } else {
      const [low, high, ...more] = base.split("-");
      if (more.length > 0) return invalid;
      from = valueOf(low, field);
      to = high === undefined ? (step === undefined ? from : field.max) : valueOf(high, field);
    }
    if (from === undefined || to === undefined || to < from) return invalid;
    let increment = 1;
    if (step !== undefined) {
      if (!/^\d+$/.test(step) || Number(step) < 1) return invalid;
      increment = Number(step);
    }
    for (let value = from; value <= to; value += increment) values.add(value);
  }
  return { values };
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
  const parsed = parts.map((part, index) => parseField(part, FIELDS[index]));
  const problems = parsed.flatMap((field) => (field.error ? [field.error] : []));
  if (problems.length > 0) return problems;
  if ((parts[2] === "?") === (parts[4] === "?")) {
    problems.push("set one of day-of-month and day-of-week to '?' (they cannot both be specified, nor both be '?')");
  }
  // One minute value per hour is what keeps two runs at least an hour apart.
  if (parsed[0].values && parsed[0].values.size > 1) {
    problems.push(
      service === "dlm"
        ? "The schedule interval must be between 1 hour and 1 year: the minutes field must select a single minute"
        : "The interval between backup jobs shouldn't be less than 60 minutes: the minutes field must select a single minute",
    );
  }
  // A year list or range ends the schedule; DLM schedules repeat at least once a year.
  if (service === "dlm" && parts[5] !== "*") {
    problems.push("The schedule interval must be between 1 hour and 1 year: the year field must be '*'");
  }
  return problems;
}
