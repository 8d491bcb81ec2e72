import { PolicyStatement } from "./policy-document";

/**
 * Keeping a role to its regions with one list instead of one ARN per region: the Allow statements name every
 * region (`arn:<partition>:<service>:*:...`), and one Deny refuses the role's actions in any region it was not
 * configured for. `aws:RequestedRegion` ("AWS global condition context keys") is the region the request is
 * made to; for a call a service makes on the role's behalf (EC2 or RDS using a key), the key's region. With
 * `StringNotEquals`, a request without the key is denied too.
 */
export function denyOutsideRegions(actions: readonly string[], regions: readonly string[]): PolicyStatement {
  if (regions.length === 0) throw new Error("denyOutsideRegions needs at least one region");
  return {
    Sid: "DenyOutsideConfiguredRegions",
    Effect: "Deny",
    Action: [...actions],
    Resource: "*",
    Condition: { StringNotEquals: { "aws:RequestedRegion": [...new Set(regions)].sort() } },
  };
}

/** `ec2.us-east-1.amazonaws.com` → `ec2.*.amazonaws.com`: the same service in any region (for `StringLike`). */
export function anyRegionViaService(viaService: string): string {
  const parts = viaService.split(".");
  if (parts.length < 3) throw new Error(`Expected a kms:ViaService value like ec2.<region>.amazonaws.com, got '${viaService}'`);
  return [parts[0], "*", ...parts.slice(2)].join(".");
}
