import { type PolicyInput } from "../policy-simulator";

/** The flows a configuration can switch on, in report order. */
export const FLOWS = ["reencrypt", "share", "backup", "rds"] as const;
export type Flow = (typeof FLOWS)[number];

export const FLOW_TITLES: Readonly<Record<Flow, string>> = {
  reencrypt: "Re-encryption under the DR key (ebs.mode: reencrypt)",
  share: "Sharing the source key (ebs.mode: share)",
  backup: "AWS Backup cross-account copy (backup.enabled)",
  rds: "RDS and Aurora snapshots (rds.enabled)",
};

export type Expectation = "Allowed" | "Denied";
export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

/** What a misuse row tries. */
export type MisuseKind =
  | "outside-organization"
  | "outside-dr-account"
  | "unlisted-account"
  | "wrong-region"
  | "without-service"
  | "other-service"
  | "grant-not-for-aws-resource"
  | "key-deletion"
  | "policy-change"
  | "delete-copies"
  | "leave-organization"
  | "unlisted-vault"
  /** A principal of a trusted account that is not the role the flow trusts (a workload role on KMS-B). */
  | "other-principal"
  /** An action the flow never needs (kms:Encrypt with a shared source key). */
  | "unneeded-action"
  /** Changing or removing a DR vault's lock or notifications. */
  | "vault-settings-change"
  | "unlock-copies"
  | "share-out"
  | "disable-automation"
  | "role-takeover"
  | "other-key";

/** Where a policy comes from: a resource of a synthesized stack, or a stand-in that is not deployed. */
export interface PolicySource {
  readonly kind: "identity" | "resource" | "scp";
  /** The stack that deploys it; absent for a stand-in. */
  readonly stack?: string;
  /** Its Terraform resource address in that stack (`aws_kms_key.<id>`); absent for a stand-in. */
  readonly address?: string;
  /** What it is, for a reader: `KMS-B key policy (us-east-1)`, `snapshot-dr-snapshot-copier/snapshot-copier`, `stand-in: ...`. */
  readonly label: string;
}

/** A statement (or the absence of one) that decided a row. */
export interface DecidingStatement extends PolicySource {
  /**
   * `Allow`/`Deny`: the statement matched. `NoAllow`: no statement of the policy allowed (an implicit deny by
   * that policy). `NoDeny`: the policy's Deny statements did not match (an SCP that let an allowed request through).
   */
  readonly effect: "Allow" | "Deny" | "NoAllow" | "NoDeny";
  /** The statement's Sid (or `#<index>` when it has none); absent for NoAllow/NoDeny. */
  readonly sid?: string;
  /** For NoAllow/NoDeny: the statements for this action and why each did not match. */
  readonly why?: string;
}

/** One row of the access matrix. */
export interface MatrixRow {
  /** `<flow>-<nnn>`, in generation order: stable for a configuration. */
  readonly id: string;
  readonly flow: Flow;
  /** `call`: a call the flow makes (expected Allowed, unless the configuration locks it down); `misuse`: must be Denied. */
  readonly category: "call" | "misuse";
  readonly misuse?: MisuseKind;
  readonly description: string;
  readonly principal: string;
  /** A short form of the principal for tables: `<account>:role/<name>`. */
  readonly principalLabel: string;
  readonly action: string;
  readonly resource: string;
  /** A short form of the resource for tables: `KMS-B us-east-1 (222222222222)`. */
  readonly resourceLabel: string;
  readonly resourceAccount: string;
  /** The request context given to the simulator, every key. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** Every policy evaluated (identity, resource, SCPs). */
  readonly policies: readonly PolicySource[];
  /** Policies of the principal that are not in the synthesized JSON and were not evaluated (AWS managed policies). */
  readonly notEvaluated: readonly string[];
  readonly expected: Expectation;
  readonly actual: Expectation;
  readonly decision: Decision;
  readonly decidedBy: readonly DecidingStatement[];
  /** actual === expected */
  readonly asExpected: boolean;
}

/** Context keys every row carries that follow from the principal; tables leave them out. */
export const PRINCIPAL_CONTEXT_KEYS = ["aws:PrincipalArn", "aws:PrincipalAccount", "kms:CallerAccount"] as const;

// ---------------------------------------------------------------------------------------------------------
// Row specifications

export interface PolicyRef {
  readonly source: PolicySource;
  readonly document: PolicyInput;
}

export interface RowSpec {
  readonly flow: Flow;
  readonly category: "call" | "misuse";
  readonly misuse?: MisuseKind;
  readonly description: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceLabel: string;
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly identity: readonly PolicyRef[];
  readonly resourcePolicy?: PolicyRef;
  readonly notEvaluated?: readonly string[];
  readonly expected: Expectation;
}

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
