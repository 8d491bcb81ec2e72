/** Test support for the policy lint: one hand-written policy as a lint target, and what one check says of it. */
import { lintTargets, type LintTarget, type PolicyCheck, type PolicyKind } from "../../modules/policy-lint/lint-policies";

/** The account of the hand-written stacks (the example's DR account). */
export const ACCOUNT = "222222222222";

const WHERE: Readonly<Record<PolicyKind, { resourceType: string; attribute: string }>> = {
  key: { resourceType: "aws_kms_key", attribute: "policy" },
  trust: { resourceType: "aws_iam_role", attribute: "assume_role_policy" },
  identity: { resourceType: "aws_iam_role_policy", attribute: "policy" },
  resource: { resourceType: "aws_sqs_queue_policy", attribute: "policy" },
  scp: { resourceType: "aws_organizations_policy", attribute: "content" },
  "backup-policy": { resourceType: "aws_organizations_policy", attribute: "content" },
};

/** A lint target for a document (its text `JSON.stringify(document)` unless given). */
export function targetOf(kind: PolicyKind, document: unknown, options: { account?: string; text?: string } = {}): LintTarget {
  const { resourceType, attribute } = WHERE[kind];
  return {
    stack: `dr-${ACCOUNT}`,
    resourceType,
    address: `${resourceType}.test`,
    attribute,
    kind,
    text: options.text ?? JSON.stringify(document),
    document,
    account: "account" in options ? options.account : ACCOUNT,
  };
}

/** What one check says of one policy: `{statement, message}` per finding. */
export function findingsOf(
  check: PolicyCheck,
  kind: PolicyKind,
  document: unknown,
  options: { account?: string; text?: string } = {},
): { statement?: string; message: string }[] {
  // A new list of checks each time: nothing comes from the lint's per-policy cache.
  return lintTargets([targetOf(kind, document, options)], { checks: [check] }).map(({ statement, message }) =>
    statement === undefined ? { message } : { statement, message },
  );
}

/** A policy document of statements. */
export function policy(...statements: object[]): object {
  return { Version: "2012-10-17", Statement: statements };
}
