/**
 * The vocabulary of the policy lint: what is linted (a {@link LintTarget}: one policy of one resource of one
 * synthesized stack), what a check is ({@link PolicyCheck}: one assertion, one file in `checks/`, cdk-nag style
 * as in `modules/rules/`) and what it reports ({@link Finding}).
 */
import type { IamCatalog } from "./iam-catalog";

/**
 * What a policy is for, which decides the elements it must and must not have:
 * - `key`: a KMS key policy (`aws_kms_key.policy`)
 * - `trust`: a role's trust (assume-role) policy (`aws_iam_role.assume_role_policy`)
 * - `identity`: a permissions policy of a role or a managed policy (`aws_iam_role_policy.policy`, `aws_iam_policy.policy`)
 * - `resource`: a resource policy (`aws_sqs_queue_policy`, `aws_sns_topic_policy`, `aws_backup_vault_policy`)
 * - `scp`: a service control policy (`aws_organizations_policy.content`, type `SERVICE_CONTROL_POLICY`)
 * - `backup-policy`: an AWS Organizations backup policy (type `BACKUP_POLICY`): not IAM JSON but the
 *   Organizations backup policy syntax (`plans`, `@@assign`, ...)
 */
export type PolicyKind = "key" | "trust" | "identity" | "resource" | "scp" | "backup-policy";

/** The kinds whose documents are IAM policy language (Version, Statement, Effect, Action...). */
export const IAM_POLICY_KINDS: readonly PolicyKind[] = ["key", "trust", "identity", "resource", "scp"];

/** One policy of one resource of one synthesized stack. */
export interface LintTarget {
  /** The stack (`dr-222222222222`, `source-111111111111`, ...). */
  readonly stack: string;
  /** The Terraform resource type, e.g. `aws_kms_key`. */
  readonly resourceType: string;
  /** The Terraform address, `<type>.<name>`, e.g. `aws_kms_key.kms-b-us-east-1_key_6F583F18`. */
  readonly address: string;
  /** The attribute that holds the policy, e.g. `policy`, `assume_role_policy`, `content`. */
  readonly attribute: string;
  readonly kind: PolicyKind;
  /** The policy text as synthesized (what Terraform sends to AWS). */
  readonly text: string;
  /** The parsed document; `undefined` when the text is not JSON ({@link parseError} says why). */
  readonly document: unknown;
  readonly parseError?: string;
  /**
   * The account the stack deploys to: the one account every aws provider of the stack allows
   * (`allowed_account_ids`); `undefined` when the providers do not name exactly one.
   */
  readonly account: string | undefined;
}

/** A policy as a check sees it: what it is and what it says, not where it is. */
export interface PolicyUnderCheck {
  readonly kind: PolicyKind;
  readonly account: string | undefined;
  readonly text: string;
  /** Parsed JSON: checks other than `PolicyIsParsableJson` only run on policies that parse. */
  readonly document: unknown;
  readonly parseError?: string;
}

/** What a check says of one policy. */
export interface PolicyFinding {
  /**
   * Where in the policy: the statement's Sid, or `Statement[<index>]` when it has none, or for a backup policy
   * the JSON path; absent for findings on the policy as a whole.
   */
  readonly statement?: string;
  readonly message: string;
}

/** One check of the lint, one per file in `checks/`, named after what it asserts (the file name is its id). */
export interface PolicyCheck {
  readonly id: string;
  /** What to do about a finding. */
  readonly explanation: string;
  /** The kinds of policy the check reads; it is not applicable to the others. */
  readonly appliesTo: readonly PolicyKind[];
  /** The findings for one policy; empty when it complies. */
  check(policy: PolicyUnderCheck, catalog: IamCatalog): PolicyFinding[];
}

/** A finding of the lint: which check, which stack, which resource, which statement, what is wrong. */
export interface Finding {
  readonly checkId: string;
  readonly stack: string;
  /** The Terraform address of the resource. */
  readonly address: string;
  readonly attribute: string;
  /** The statement's Sid, `Statement[<index>]`, a backup policy's JSON path, or absent for the whole policy. */
  readonly statement?: string;
  readonly message: string;
}

/**
 * A check of a whole synthesized stack (one per file in `checks/`, like {@link PolicyCheck}): the limits that
 * no single policy shows, such as all inline policies of one role, the tags a provider adds to every resource,
 * or how many lifecycle policies one region of the account holds.
 */
export interface StackCheck {
  readonly id: string;
  /** What to do about a finding. */
  readonly explanation: string;
  /** The findings for one stack; empty when it complies. */
  check(stack: StackUnderCheck): StackFinding[];
}

/** A synthesized stack as a stack check reads it. */
export interface StackUnderCheck {
  readonly name: string;
  /** The stack's Terraform JSON (`cdk.tf.json`). */
  readonly json: object;
}

/** What a stack check says: which resource (or group of resources), which attribute, what is wrong. */
export interface StackFinding {
  /** A Terraform address (`aws_iam_role.<name>`), a provider (`provider.aws.<alias>`) or a group (`aws_dlm_lifecycle_policy[us-east-1]`). */
  readonly address: string;
  /** The attribute measured; empty for a count of resources. */
  readonly attribute: string;
  readonly message: string;
}
