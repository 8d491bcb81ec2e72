/**
 * Reading IAM policy JSON as it comes out of synthesis: any shape at all (the structural checks report what is
 * wrong with it), so every helper here tolerates missing or mistyped elements and returns what is usable.
 *
 * Values may hold Terraform interpolations (`${aws_kms_key.<id>.arn}`) or IAM policy variables (`$${aws:username}`
 * in Terraform JSON): both are resolved later, so checks treat them as opaque values, never as errors.
 */
import { IAM_POLICY_KINDS, type PolicyKind } from "./types";

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether a value is resolved later: a Terraform interpolation or an IAM policy variable. */
export function isInterpolated(value: string): boolean {
  return value.includes("${");
}

/** Whether a policy of this kind is IAM policy language and its document is an object to read. */
export function isIamDocument(kind: PolicyKind, document: unknown): document is JsonObject {
  return IAM_POLICY_KINDS.includes(kind) && isRecord(document);
}

/** One statement of a policy, with the reference findings use for it. */
export interface StatementView {
  readonly index: number;
  /** The Sid when it is a non-empty string, else `Statement[<index>]`. */
  readonly ref: string;
  readonly raw: JsonObject;
}

/** The statements of a document that are objects (IAM also accepts a single statement object). */
export function statementsOf(document: unknown): StatementView[] {
  if (!isRecord(document)) return [];
  const statements = Array.isArray(document.Statement) ? document.Statement : isRecord(document.Statement) ? [document.Statement] : [];
  const views: StatementView[] = [];
  statements.forEach((raw: unknown, index) => {
    if (isRecord(raw)) views.push({ index, ref: statementRef(raw, index), raw });
  });
  return views;
}

export function statementRef(raw: unknown, index: number): string {
  return isRecord(raw) && typeof raw.Sid === "string" && raw.Sid !== "" ? raw.Sid : `Statement[${index}]`;
}

/** The strings of an element that is a string or an array of strings (other members are dropped). */
export function stringList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/** The actions of an `Action` or `NotAction` element. */
export const actionStrings = stringList;

/** One key of one condition operator block: `"StringEquals": {"aws:PrincipalOrgID": ["o-..."]}`. */
export interface ConditionEntry {
  readonly operator: string;
  readonly key: string;
  /** The values as written (a single value becomes a one-element list). */
  readonly values: readonly unknown[];
}

export function conditionEntries(statement: JsonObject): ConditionEntry[] {
  const condition = statement.Condition;
  if (!isRecord(condition)) return [];
  const entries: ConditionEntry[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!isRecord(block)) continue;
    for (const [key, value] of Object.entries(block)) entries.push({ operator, key, values: Array.isArray(value) ? value : [value] });
  }
  return entries;
}

/** The principals of a `Principal` (or `NotPrincipal`) element, by type. */
export interface PrincipalView {
  /** `"*"`, or `"*"` among the `AWS` principals: everyone. */
  readonly everyone: boolean;
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
  readonly canonicalUser: readonly string[];
}

export function principalOf(value: unknown): PrincipalView | undefined {
  if (value === "*") return { everyone: true, aws: ["*"], service: [], federated: [], canonicalUser: [] };
  if (!isRecord(value)) return undefined;
  const aws = stringList(value.AWS);
  return {
    everyone: aws.includes("*"),
    aws,
    service: stringList(value.Service),
    federated: stringList(value.Federated),
    canonicalUser: stringList(value.CanonicalUser),
  };
}

/** `arn:<partition>:iam::<account>:root`, or the bare account ID IAM reads as the same principal. */
export function isAccountRoot(principal: string, account: string | undefined): boolean {
  if (account === undefined) return false;
  return principal === account || new RegExp(`^arn:aws[a-z-]*:iam::${account}:root$`).test(principal);
}

/** How messages name a kind of policy. */
export const KIND_LABEL: Readonly<Record<PolicyKind, string>> = {
  key: "key policy",
  trust: "trust policy",
  identity: "identity policy",
  resource: "resource policy",
  scp: "SCP",
  "backup-policy": "backup policy",
};

/** "a key policy", "an identity policy", "an SCP". */
export function kindWithArticle(kind: PolicyKind): string {
  return `${kind === "identity" || kind === "scp" ? "an" : "a"} ${KIND_LABEL[kind]}`;
}
