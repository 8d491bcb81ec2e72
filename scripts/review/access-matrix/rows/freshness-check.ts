import { type SnapshotDrConfig } from "../../../../modules/config/load-config";
import { freshnessCheckNames } from "../../../../modules/monitoring/monitoring-names";
import { type SynthesizedApp } from "../../synthesized-stacks";
import { identityPolicies } from "../policies";
import { helpers, sorted } from "../row-helpers";
import { Flow, RowSpec } from "../types";

const SAMPLE_DLM_POLICY = "policy-0123456789abcdef0";
const SAMPLE_SNAPSHOT = "snap-0123456789abcdef0";

/**
 * The DR account's freshness check (issue 10, issue 11 §2): its role reads, never changes. It finds the DR copy
 * event policies in every source region with `dlm:GetLifecyclePolicies` (no resource type: `*`); it may not change
 * them (disabling one would silence a source), nor delete the copies it counts. Rows go to the first EBS flow on (reencrypt, else share), like the
 * DR guardrails' EBS rows.
 */
export function freshnessCheckRows(config: SnapshotDrConfig, app: SynthesizedApp, flow: Flow, flowsOn: readonly Flow[]): RowSpec[] {
  const ebsFlow: Flow = flowsOn.includes("reencrypt") ? "reencrypt" : "share";
  if (flow !== ebsFlow) return [];
  const h = helpers(config, app);
  const { dr, partition, drStack } = h;
  const roleName = freshnessCheckNames(config.namePrefix).roleName;
  const role = h.role(dr.id, roleName);
  const identity = identityPolicies(drStack, roleName);
  const context = (region: string) => ({ ...h.principalContext(role, dr.organizationId), "aws:RequestedRegion": region });
  const base = { flow, principal: role, resourceAccount: dr.id, identity };
  const rows: RowSpec[] = [];
  for (const region of sorted(new Set(config.sourceAccounts.flatMap((account) => account.regions)))) {
    const policy = `arn:${partition}:dlm:${region}:${dr.id}:policy/${SAMPLE_DLM_POLICY}`;
    rows.push(
      {
        ...base,
        category: "call",
        description: `the freshness check lists the DR account's DLM policies in ${region} to find its copy event policies`,
        action: "dlm:GetLifecyclePolicies",
        resource: "*",
        resourceLabel: `DLM policies ${region} (${dr.id})`,
        context: context(region),
        expected: "Allowed",
      },
      {
        ...base,
        category: "misuse",
        misuse: "disable-automation",
        description: `the freshness check's role disables a DR copy event policy in ${region}`,
        action: "dlm:UpdateLifecyclePolicy",
        resource: policy,
        resourceLabel: `DLM policy ${region} (${dr.id})`,
        context: context(region),
        expected: "Denied",
      },
    );
  }
  for (const region of sorted(dr.copyRegions)) {
    rows.push({
      ...base,
      category: "misuse",
      misuse: "delete-copies",
      description: `the freshness check's role deletes a DR copy in ${region}`,
      action: "ec2:DeleteSnapshot",
      resource: `arn:${partition}:ec2:${region}::snapshot/${SAMPLE_SNAPSHOT}`,
      resourceLabel: `DR copy ${region} (${dr.id})`,
      context: context(region),
      expected: "Denied",
    });
  }
  return rows;
}
