/**
 * Test and review support (also used by scripts/review/): requests evaluated by `@cloud-copilot/iam-simulate` under service control policies.
 *
 * SCPs only filter: a request is allowed only if every level of the organization (root, then account) has an
 * SCP that allows it, so both levels carry AWS's default FullAWSAccess and the account level adds the policy
 * under test. The principal gets an allow-all identity policy, so that a denial can only come from the SCPs.
 * The simulator fills in no context: every key AWS would set is passed. `resultType: 'error'` and dropped
 * context keys fail the test.
 */
import { getDenialReasons, runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyDocument } from "../../modules/iam/policy-document";

/** AWS's default SCP, attached to every root, OU and account unless replaced. */
export const FULL_AWS_ACCESS = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } as const;
const ALLOW_EVERYTHING = { Version: "2012-10-17", Statement: [{ Sid: "AllowEverything", Effect: "Allow", Action: "*", Resource: "*" }] } as const;

export interface ScpRequest {
  readonly description: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  /** The SCPs under test, attached to the principal's account beside FullAWSAccess. */
  readonly scps: readonly { readonly name: string; readonly policy: PolicyDocument | Record<string, unknown> }[];
}

export type ScpDecision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

export async function simulateWithScps(request: ScpRequest): Promise<{ decision: ScpDecision; report: string }> {
  const principalAccount = request.principal.split(":")[4];
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: Object.fromEntries(Object.entries(request.context).map(([key, value]) => [key, typeof value === "string" ? value : [...value]])),
      },
      identityPolicies: [{ name: "allow-everything", policy: ALLOW_EVERYTHING }],
      serviceControlPolicies: [
        { orgIdentifier: "r-root", policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }] },
        {
          orgIdentifier: principalAccount,
          policies: [{ name: "FullAWSAccess", policy: FULL_AWS_ACCESS }, ...request.scps.map(({ name, policy }) => ({ name, policy }))],
        },
      ],
      resourceControlPolicies: [],
    },
    { simulationMode: "Strict" },
  );
  if (response.resultType === "error") {
    throw new Error(`The simulator rejected the input (${request.description}): ${JSON.stringify(response.errors, null, 2)}`);
  }
  if (response.resultType !== "single") throw new Error(`Expected a single-resource simulation (${request.description}), got ${response.resultType}`);
  const ignored = response.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    throw new Error(`The simulator dropped context keys (${request.description}): ${ignored.join(", ")}; the proof would be vacuous`);
  }
  const decision = response.overallResult as ScpDecision;
  const report = `${request.description}: ${decision}; context ${JSON.stringify(request.context)}; ` + `denied by ${JSON.stringify(getDenialReasons(response.result.analysis))}`;
  return { decision, report };
}

/** Asserts the decision, printing the report on failure. */
export async function expectScpDecision(request: ScpRequest, expected: ScpDecision): Promise<void> {
  const { decision, report } = await simulateWithScps(request);
  if (decision !== expected) throw new Error(`Expected ${expected}, got ${report}`);
}
