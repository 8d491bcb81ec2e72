/**
 * IAM policy documents as plain data. Policies are built in TypeScript and emitted as JSON strings (never
 * the provider's policy-document data source), so the synthesized JSON can be read back and proven offline.
 */

export type ConditionBlock = Record<string, Record<string, string | readonly string[]>>;

export type PolicyPrincipal = "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };

export interface PolicyStatement {
  /** Says what the statement is for; proofs and reviews refer to statements by Sid. */
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: PolicyPrincipal;
  readonly Action: string | readonly string[];
  /** Absent only in trust (assume-role) policies, which IAM rejects with a Resource element. */
  readonly Resource?: string | readonly string[];
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  const sids = new Set<string>();
  for (const statement of statements) {
    if (!/^[A-Za-z0-9]+$/.test(statement.Sid)) throw new Error(`Statement Sid '${statement.Sid}' must be alphanumeric`);
    if (sids.has(statement.Sid)) throw new Error(`Statement Sid '${statement.Sid}' is used twice in one policy`);
    sids.add(statement.Sid);
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The JSON string a resource's `policy` argument takes; stable key order keeps synthesis deterministic. */
export function policyJson(document: PolicyDocument): string {
  return JSON.stringify(document);
}

/** A statement's list of actions, resources or condition values: each once, sorted, so the JSON is the same every time. */
export const sortedUnique = (values: readonly string[]): string[] => [...new Set(values)].sort();
