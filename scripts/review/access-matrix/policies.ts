import { type SynthesizedApp, type SynthesizedStack } from "../synthesized-stacks";
import { Json, PolicyRef } from "./types";

export const standIn = (label: string, actions: string | readonly string[] = "*"): PolicyRef => ({
  source: { kind: "identity", label: `stand-in: ${label}` },
  document: { Version: "2012-10-17", Statement: [{ Sid: "StandInAllow", Effect: "Allow", Action: actions, Resource: "*" }] },
});

/** A key policy that lets anyone do anything: the resource side of a row that must be denied by the identity policy. */
export const openKeyPolicy = (label: string): PolicyRef => ({
  source: { kind: "resource", label: `stand-in: ${label}` },
  document: { Version: "2012-10-17", Statement: [{ Sid: "StandInAnyoneAnything", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }] },
});

/**
 * RDS shares a snapshot through its restore attribute, not a policy: this stands for that attribute naming the
 * DR account, so that the row is decided by the importer's identity policy.
 */
export const sharedSnapshotStandIn = (partition: string, drAccountId: string): PolicyRef => ({
  source: { kind: "resource", label: "stand-in: the snapshot's restore attribute shares it with the DR account (RDS sharing is an attribute, not a policy)" },
  document: {
    Version: "2012-10-17",
    Statement: [{ Sid: "StandInSharedWithDrAccount", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${drAccountId}:root` }, Action: "rds:CopyDBSnapshot", Resource: "*" }],
  },
});

/** The identity policies of a role of a stack, with their Terraform addresses. */
export function identityPolicies(stack: SynthesizedStack, roleName: string): PolicyRef[] {
  const roleId = stack.roleResourceId(roleName);
  const references = new Set([`\${aws_iam_role.${roleId}.name}`, `\${aws_iam_role.${roleId}.id}`, roleName]);
  const attached = stack
    .resources("aws_iam_role_policy")
    .filter((entry) => references.has(entry.body.role))
    .map((entry) => ({
      source: { kind: "identity" as const, stack: stack.name, address: `aws_iam_role_policy.${entry.id}`, label: `${roleName}/${entry.body.name}` },
      document: stack.parsePolicy(entry.body.policy, `aws_iam_role_policy.${entry.id}.policy`),
    }));
  const blocks: Json[] = stack.resource("aws_iam_role", roleId).inline_policy ?? [];
  const inline = blocks.map((block, index) => ({
    source: { kind: "identity" as const, stack: stack.name, address: `aws_iam_role.${roleId}`, label: `${roleName}/${String(block.name ?? `inline_policy[${index}]`)}` },
    document: stack.parsePolicy(block.policy, `aws_iam_role.${roleId}.inline_policy[${index}]`),
  }));
  const all = [...attached, ...inline];
  if (all.length !== stack.roleInlinePolicies(roleName).length) {
    throw new Error(`Stack ${stack.name}: found ${all.length} inline policies of ${roleName}, expected ${stack.roleInlinePolicies(roleName).length}`);
  }
  return all;
}

/** The key policy of the key behind an alias in a region, with its Terraform address. */
export function keyPolicy(stack: SynthesizedStack, aliasName: string, region: string, label: string): PolicyRef {
  return {
    source: { kind: "resource", stack: stack.name, address: `aws_kms_key.${stack.keyResourceId(aliasName, region)}`, label: `${label} key policy (${region})` },
    document: stack.keyPolicy(aliasName, region),
  };
}

/** The access policy of the DR vault in a region. */
export function vaultPolicy(stack: SynthesizedStack, region: string): PolicyRef {
  const policies = stack
    .resources("aws_backup_vault_policy")
    .filter((entry) => stack.regionOf("aws_backup_vault_policy", entry.id) === region && String(entry.body.backup_vault_name).startsWith("${aws_backup_vault."));
  if (policies.length !== 1) throw new Error(`Stack ${stack.name}: expected one aws_backup_vault_policy in ${region}, found ${policies.length}`);
  const entry = policies[0];
  return {
    source: { kind: "resource", stack: stack.name, address: `aws_backup_vault_policy.${entry.id}`, label: `DR vault access policy (${region})` },
    document: stack.parsePolicy(entry.body.policy, `aws_backup_vault_policy.${entry.id}.policy`),
  };
}

/** The SCPs the org stacks attach, by target (account, OU or root ID). */
export interface AttachedScp {
  readonly target: string;
  readonly organizationId: string;
  readonly ref: PolicyRef;
}

export function attachedScps(app: SynthesizedApp): AttachedScp[] {
  const result: AttachedScp[] = [];
  for (const stack of [...app.stacks.values()].filter((s) => s.name.startsWith("org-")).sort((a, b) => a.name.localeCompare(b.name))) {
    const organizationId = stack.name.slice("org-".length);
    for (const attachment of stack.resources("aws_organizations_policy_attachment")) {
      const match = /^\$\{aws_organizations_policy\.([A-Za-z0-9_-]+)\.id\}$/.exec(String(attachment.body.policy_id));
      if (!match) throw new Error(`Stack ${stack.name}: attachment ${attachment.id} refers to ${attachment.body.policy_id}, not a policy of the stack`);
      const policy = stack.resource("aws_organizations_policy", match[1]);
      if (policy.type !== "SERVICE_CONTROL_POLICY") continue;
      result.push({
        target: String(attachment.body.target_id),
        organizationId,
        ref: {
          source: { kind: "scp", stack: stack.name, address: `aws_organizations_policy.${match[1]}`, label: `SCP ${policy.name}` },
          document: stack.parsePolicy(policy.content, `aws_organizations_policy.${match[1]}.content`),
        },
      });
    }
  }
  return result;
}
