/**
 * Finds the policies of a synthesized stack (`cdktf.out/stacks/<stack>/cdk.tf.json`): JSON strings inside the
 * Terraform JSON, read back as Terraform will send them.
 */
import { isRecord } from "./policy-json";
import type { LintTarget, PolicyKind } from "./types";

/** Where policies live: resource type, attribute, kind (organizations policies by their `type`). */
const POLICY_ATTRIBUTES: readonly { readonly resourceType: string; readonly attribute: string; readonly kind: PolicyKind }[] = [
  { resourceType: "aws_kms_key", attribute: "policy", kind: "key" },
  { resourceType: "aws_iam_role", attribute: "assume_role_policy", kind: "trust" },
  { resourceType: "aws_iam_role_policy", attribute: "policy", kind: "identity" },
  { resourceType: "aws_iam_policy", attribute: "policy", kind: "identity" },
  { resourceType: "aws_sqs_queue_policy", attribute: "policy", kind: "resource" },
  { resourceType: "aws_sns_topic_policy", attribute: "policy", kind: "resource" },
  { resourceType: "aws_backup_vault_policy", attribute: "policy", kind: "resource" },
];

/** `aws_organizations_policy.type` → kind; other types (tag, RCP, AI opt-out...) are not linted. */
const ORGANIZATIONS_POLICY_KINDS: Readonly<Record<string, PolicyKind>> = {
  SERVICE_CONTROL_POLICY: "scp",
  BACKUP_POLICY: "backup-policy",
};

const parsedTexts = new Map<string, { document: unknown; parseError?: string }>();

/** Parses a policy text once per process (the same text recurs across stacks and regions). */
function parse(text: string): { document: unknown; parseError?: string } {
  let parsed = parsedTexts.get(text);
  if (!parsed) {
    try {
      parsed = { document: JSON.parse(text) };
    } catch (error) {
      parsed = /^\$\{[\s\S]*\}$/.test(text.trim())
        ? { document: undefined, parseError: `The policy is the Terraform expression ${text.trim()}, not literal JSON` }
        : { document: undefined, parseError: `The policy is not JSON: ${(error as Error).message}` };
    }
    parsedTexts.set(text, parsed);
  }
  return parsed;
}

/** The one account every aws provider of the stack allows; `undefined` unless there is exactly one. */
export function stackAccount(stackJson: object): string | undefined {
  const providers: unknown = (stackJson as { provider?: { aws?: unknown } }).provider?.aws;
  const list = Array.isArray(providers) ? providers : isRecord(providers) ? [providers] : [];
  const accounts = new Set<string>();
  for (const provider of list) {
    const allowed: unknown = isRecord(provider) ? provider.allowed_account_ids : undefined;
    if (Array.isArray(allowed)) for (const id of allowed) if (typeof id === "string") accounts.add(id);
  }
  return accounts.size === 1 ? [...accounts][0] : undefined;
}

function target(stack: string, resourceType: string, name: string, attribute: string, kind: PolicyKind, value: unknown, account: string | undefined): LintTarget {
  const base = { stack, resourceType, address: `${resourceType}.${name}`, attribute, kind, account };
  if (typeof value !== "string") {
    return { ...base, text: JSON.stringify(value) ?? "", document: undefined, parseError: `The policy is ${JSON.stringify(value)}, not a JSON string` };
  }
  return { ...base, text: value, ...parse(value) };
}

/**
 * Every policy of a synthesized stack: key policies, trust policies, identity policies (role inline policies,
 * also `inline_policy` blocks of roles, and managed policies), SQS/SNS/Backup vault resource policies, and
 * service control and backup policies of AWS Organizations. A resource without its policy attribute (a key
 * with the default key policy) has nothing to lint and is left out.
 */
export function policiesInStack(stackName: string, stackJson: object): LintTarget[] {
  const resources: unknown = (stackJson as { resource?: unknown }).resource;
  if (!isRecord(resources)) return [];
  const account = stackAccount(stackJson);
  const targets: LintTarget[] = [];
  const each = (resourceType: string, visit: (name: string, body: Record<string, unknown>) => void) => {
    const byName = resources[resourceType];
    if (!isRecord(byName)) return;
    for (const [name, body] of Object.entries(byName)) if (isRecord(body)) visit(name, body);
  };
  for (const { resourceType, attribute, kind } of POLICY_ATTRIBUTES) {
    each(resourceType, (name, body) => {
      if (body[attribute] !== undefined) targets.push(target(stackName, resourceType, name, attribute, kind, body[attribute], account));
    });
  }
  each("aws_iam_role", (name, body) => {
    const blocks = Array.isArray(body.inline_policy) ? body.inline_policy : [];
    blocks.forEach((block: unknown, index) => {
      if (isRecord(block) && block.policy !== undefined) {
        targets.push(target(stackName, "aws_iam_role", name, `inline_policy[${index}].policy`, "identity", block.policy, account));
      }
    });
  });
  each("aws_organizations_policy", (name, body) => {
    const kind = typeof body.type === "string" ? ORGANIZATIONS_POLICY_KINDS[body.type] : body.type === undefined ? "scp" : undefined;
    if (kind && body.content !== undefined) targets.push(target(stackName, "aws_organizations_policy", name, "content", kind, body.content, account));
  });
  return targets;
}
