import { IConstruct } from "constructs";

/** What a rule says of one construct (as in cdk-nag). */
export enum RuleResult {
  COMPLIANT = "compliant",
  NON_COMPLIANT = "non-compliant",
  NOT_APPLICABLE = "not-applicable",
}

/**
 * A check of the synthesized design, one per file, named after what it asserts. The id is the file name;
 * the explanation says what to do about a finding.
 */
export interface Rule {
  readonly id: string;
  readonly explanation: string;
  check(node: IConstruct): RuleResult;
}
