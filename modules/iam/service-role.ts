import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { PolicyDocument, policyDocument, policyJson } from "./policy-document";

/** Properties of a {@link ServiceRole}. */
export interface ServiceRoleProps {
  /** IAM is global: any of the stack's regional providers will do; stacks pass their home region's. */
  readonly provider: TerraformProvider;
  /** The role name. Other stacks and key policies refer to the role by it. */
  readonly roleName: string;
  /** The service that assumes the role, e.g. `dlm.amazonaws.com`. */
  readonly servicePrincipal: string;
  readonly description: string;
  /**
   * AWS managed policies to attach, by ARN.
   * @default - none
   */
  readonly managedPolicyArns?: readonly string[];
  /**
   * Inline policies by name.
   * @default - none
   */
  readonly inlinePolicies?: Readonly<Record<string, PolicyDocument>>;
}

/** An IAM role that one AWS service assumes, with its managed and inline policies. */
export class ServiceRole extends Construct {
  readonly role: IamRole;
  /** The inline policies as synthesized, by name: what a proof or a reviewer reads. */
  readonly inlinePolicies: Readonly<Record<string, PolicyDocument>>;
  /** The inline policy resources: what a user of the role must wait for before it acts. */
  readonly inlinePolicyResources: IamRolePolicy[] = [];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    if (!/^[\w+=,.@-]{1,64}$/.test(props.roleName)) {
      throw new Error(`Expected role name to match [\\w+=,.@-]{1,64}, got '${props.roleName}'`);
    }
    this.inlinePolicies = props.inlinePolicies ?? {};
    this.role = new IamRole(this, "role", {
      provider: props.provider,
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: policyJson(
        policyDocument([
          {
            Sid: "ServiceAssumesRole",
            Effect: "Allow",
            Principal: { Service: props.servicePrincipal },
            Action: "sts:AssumeRole",
          },
        ]),
      ),
    });
    for (const [index, policyArn] of (props.managedPolicyArns ?? []).entries()) {
      new IamRolePolicyAttachment(this, `managed-policy-${index}`, {
        provider: props.provider,
        role: this.role.name,
        policyArn,
      });
    }
    for (const [name, document] of Object.entries(this.inlinePolicies)) {
      this.inlinePolicyResources.push(
        new IamRolePolicy(this, `inline-${name}`, {
          provider: props.provider,
          role: this.role.name,
          name,
          policy: policyJson(document),
        }),
      );
    }
  }
}
