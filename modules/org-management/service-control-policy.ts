import { OrganizationsPolicy } from "@cdktf/provider-aws/lib/organizations-policy";
import { OrganizationsPolicyAttachment } from "@cdktf/provider-aws/lib/organizations-policy-attachment";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { PolicyDocument, policyJson } from "../iam/policy-document";

/** Properties of a {@link ServiceControlPolicy}. */
export interface ServiceControlPolicyProps {
  /** A provider of the organization's management account. */
  readonly provider: TerraformProvider;
  /** The policy's name (1 to 128 characters). */
  readonly name: string;
  /**
   * What the policy is for (at most 512 characters).
   * @default - no description
   */
  readonly description?: string;
  /** The policy: Deny statements, or Allow statements that replace FullAWSAccess; no Principal element. */
  readonly document: PolicyDocument;
  /**
   * Where the policy is attached: account IDs (12 digits), OU IDs (`ou-...`) or the root (`r-...`). SCPs do not
   * affect the management account, nor service-linked roles.
   */
  readonly targetIds: readonly string[];
}

/** Organizations' pattern of a policy target ID (AttachPolicy), anchored as a whole. */
export const POLICY_TARGET_ID_PATTERN = /^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

/** A service control policy of the organization and its attachments, checked against Organizations' limits. */
export class ServiceControlPolicy extends Construct {
  readonly policy: OrganizationsPolicy;
  readonly attachments: readonly OrganizationsPolicyAttachment[];

  constructor(scope: Construct, id: string, props: ServiceControlPolicyProps) {
    super(scope, id);
    if (props.name.length < 1 || props.name.length > 128) {
      throw new Error(`Expected the SCP name to be 1 to 128 characters, got ${props.name.length}: '${props.name}'`);
    }
    if (props.description !== undefined && props.description.length > 512) {
      throw new Error(`Expected the description of SCP '${props.name}' to be at most 512 characters, got ${props.description.length}`);
    }
    for (const statement of props.document.Statement) {
      const element = statement as { Principal?: unknown; NotPrincipal?: unknown };
      if (element.Principal !== undefined || element.NotPrincipal !== undefined) {
        throw new Error(`SCP '${props.name}' statement '${statement.Sid}' has a Principal: service control policies do not support the Principal element`);
      }
    }
    // Its size (5,120 characters) is checked with every other limit by the policy lint (OrganizationsPolicyWithinSizeLimit): a finding, not an exception.
    const seen = new Set<string>();
    for (const targetId of props.targetIds) {
      if (!POLICY_TARGET_ID_PATTERN.test(targetId)) {
        throw new Error(`Expected SCP target '${targetId}' to be an account ID (12 digits), an OU ID (ou-...) or a root ID (r-...): ${POLICY_TARGET_ID_PATTERN.source}`);
      }
      if (seen.has(targetId)) throw new Error(`SCP '${props.name}' is attached to '${targetId}' twice`);
      seen.add(targetId);
    }

    this.policy = new OrganizationsPolicy(this, "policy", {
      provider: props.provider,
      name: props.name,
      type: "SERVICE_CONTROL_POLICY",
      content: policyJson(props.document),
      ...(props.description !== undefined ? { description: props.description } : {}),
    });
    this.attachments = props.targetIds.map(
      (targetId) =>
        new OrganizationsPolicyAttachment(this, `attachment-${targetId}`, {
          provider: props.provider,
          policyId: this.policy.id,
          targetId,
        }),
    );
  }
}
