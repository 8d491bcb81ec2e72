/**
 * IAM condition operators: `[ForAnyValue:|ForAllValues:]<Operator>[IfExists]`
 * (IAM User Guide, "IAM JSON policy elements: Condition operators").
 */
import type { ConditionEntry } from "./policy-json";

/** What an operator compares. */
export type OperatorFamily = "string" | "numeric" | "date" | "bool" | "binary" | "ip" | "arn" | "null";

const OPERATORS: Readonly<Record<string, OperatorFamily>> = {
  StringEquals: "string",
  StringNotEquals: "string",
  StringEqualsIgnoreCase: "string",
  StringNotEqualsIgnoreCase: "string",
  StringLike: "string",
  StringNotLike: "string",
  NumericEquals: "numeric",
  NumericNotEquals: "numeric",
  NumericLessThan: "numeric",
  NumericLessThanEquals: "numeric",
  NumericGreaterThan: "numeric",
  NumericGreaterThanEquals: "numeric",
  DateEquals: "date",
  DateNotEquals: "date",
  DateLessThan: "date",
  DateLessThanEquals: "date",
  DateGreaterThan: "date",
  DateGreaterThanEquals: "date",
  Bool: "bool",
  BinaryEquals: "binary",
  IpAddress: "ip",
  NotIpAddress: "ip",
  ArnEquals: "arn",
  ArnLike: "arn",
  ArnNotEquals: "arn",
  ArnNotLike: "arn",
  Null: "null",
};

const BY_LOWERCASE = new Map(Object.entries(OPERATORS).map(([name, family]) => [name.toLowerCase(), { name, family }]));

/** The operators that only match what they list (as opposed to `...Not...`, which match everything else). */
const POSITIVE = new Set(["StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike"]);

export interface ParsedOperator {
  readonly setOperator?: "ForAnyValue" | "ForAllValues";
  /** The operator without set prefix and `IfExists`, canonically spelled (e.g. `StringEquals`). */
  readonly base: string;
  readonly family: OperatorFamily;
  readonly ifExists: boolean;
}

/** Parses an operator; `undefined` when it is not an IAM condition operator. */
export function parseOperator(operator: string): ParsedOperator | undefined {
  let rest = operator;
  let setOperator: ParsedOperator["setOperator"];
  const colon = rest.indexOf(":");
  if (colon !== -1) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === "foranyvalue") setOperator = "ForAnyValue";
    else if (prefix === "forallvalues") setOperator = "ForAllValues";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists")) {
    ifExists = true;
    rest = rest.slice(0, -"IfExists".length);
  }
  const found = BY_LOWERCASE.get(rest.toLowerCase());
  if (!found || (ifExists && found.family === "null")) return undefined;
  return { setOperator, base: found.name, family: found.family, ifExists };
}

/**
 * Whether a condition entry restricts a statement to what it lists, even for requests that lack the key:
 * a positive string or ARN operator, without `IfExists` (true when the key is absent) or `ForAllValues`
 * (true for an empty set), with at least one value and none that is `*` alone.
 */
export function restrictsToListedValues(entry: ConditionEntry): boolean {
  const operator = parseOperator(entry.operator);
  if (!operator || operator.ifExists || operator.setOperator === "ForAllValues" || !POSITIVE.has(operator.base)) return false;
  return entry.values.length > 0 && entry.values.every((value) => typeof value === "string" && value !== "" && value !== "*");
}
