/**
 * The freshness check's environment does not grow with the estate: it names no DLM policy (the function finds
 * them at run time), so 3 accounts and 1,000 accounts in 5 regions (100 cross-account copy event policies, past
 * what 4 KB of environment could map) give the same variables.
 */
import { Testing } from "cdktf";
import { parseConfig } from "../../modules/config/load-config";
import { FreshnessCheckFunction } from "../../modules/dr-account/freshness-check-function";
import { isDrCopyPolicy } from "../../modules/dr-account/freshness-check/dr-copy-policies";
import { generateConfig } from "../../scripts/generate-config";
import { DrAccountStack } from "../../stacks/dr-account-stack";
import { validationProblems } from "../../stacks/synthesize";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const drStackJson = (sourceAccounts: number): Json =>
  JSON.parse(Testing.synth(new DrAccountStack(Testing.app(), parseConfig(generateConfig({ sourceAccounts, regionsPerAccount: 5 })))));
const resources = (json: Json, type: string): Json[] => Object.values(json.resource?.[type] ?? {});
const freshnessEnvironments = (json: Json): Record<string, Record<string, string>> =>
  Object.fromEntries(
    resources(json, "aws_lambda_function")
      .filter((fn) => fn.function_name === "snapshot-dr-freshness-check")
      .map((fn) => [fn.provider, fn.environment.variables]),
  );

describe("the freshness check's environment, from 3 to 1,000 source accounts", () => {
  let small: Json;
  let large: Json;
  beforeAll(() => {
    small = drStackJson(3);
    large = drStackJson(1000);
  });

  test("names no DLM policy, and is the same, byte for byte, at 3 and at 1,000 accounts", () => {
    // GIVEN 1,000 accounts in 5 regions: 20 event policies per source region, 100 in all
    expect(resources(large, "aws_dlm_lifecycle_policy")).toHaveLength(100);
    // WHEN the DR stacks of both estates are synthesized
    const environments = freshnessEnvironments(large);
    // THEN each region's freshness check has the same variables as with 3 accounts, none referring to a policy
    expect(Object.keys(environments).sort()).toEqual(["aws.us-east-1", "aws.us-west-2"]);
    expect(environments).toEqual(freshnessEnvironments(small));
    for (const variables of Object.values(environments)) {
      expect(JSON.stringify(variables)).not.toMatch(/aws_dlm_lifecycle_policy|policy-/);
      expect(variables).not.toHaveProperty("DLM_POLICY_REGIONS");
      expect(variables).toMatchObject({ DLM_POLICY_TAG_KEY: "SnapshotDrStack", DLM_POLICY_TAG_VALUE: "dr-222222222222", DLM_POLICY_DESCRIPTION_PREFIX: "snapshot-dr " });
    }
  });

  test("every event policy the stack deploys is one the function recognises at run time", () => {
    // GIVEN the filter in the environment, and each policy as GetLifecyclePolicies would summarise it (its tags:
    // the provider's default tags and its own)
    const { DLM_POLICY_TAG_KEY, DLM_POLICY_TAG_VALUE, DLM_POLICY_DESCRIPTION_PREFIX } = Object.values(freshnessEnvironments(large))[0];
    const filter = { tagKey: DLM_POLICY_TAG_KEY, tagValue: DLM_POLICY_TAG_VALUE, descriptionPrefix: DLM_POLICY_DESCRIPTION_PREFIX };
    const providers = [large.provider.aws].flat() as Json[];
    const defaultTags = (provider: string) => providers.find((p) => `aws.${p.alias}` === provider)!.default_tags[0].tags;
    // WHEN each is checked THEN all 100 are recognised
    const summaries = resources(large, "aws_dlm_lifecycle_policy").map((policy) => ({
      PolicyId: "policy-0123456789abcdef0",
      Description: policy.description,
      State: policy.state,
      PolicyType: policy.policy_details.policy_type,
      Tags: { ...defaultTags(policy.provider), ...(policy.tags ?? {}) },
    }));
    expect(summaries.filter((summary) => !isDrCopyPolicy(summary, filter))).toEqual([]);
  });

  test("its role lists DLM policies with a constant statement: dlm:GetLifecyclePolicies on * (no resource type)", () => {
    const policy = (json: Json) => resources(json, "aws_iam_role_policy").find((p) => p.name === "freshness-check")!.policy;
    expect(JSON.parse(policy(large)).Statement).toContainEqual({ Sid: "FindDrCopyEventPolicies", Effect: "Allow", Action: "dlm:GetLifecyclePolicies", Resource: "*" });
    expect(policy(large)).toBe(policy(small));
  });
});

test("a freshness check that expects EBS sources but cannot recognise the DR copy event policies stops the synthesis", () => {
  // GIVEN a DR stack, and a freshness check with an EBS source and no dlmPolicyFilter
  const app = Testing.app();
  const stack = new DrAccountStack(app, parseConfig(generateConfig({ sourceAccounts: 1, regionsPerAccount: 1 })));
  new FreshnessCheckFunction(stack, "misconfigured-check", {
    provider: stack.providerFor("us-east-1"),
    partition: "aws",
    drAccountId: "222222222222",
    region: "us-east-1",
    namePrefix: "other",
    roleArn: "arn:aws:iam::222222222222:role/other-freshness-check",
    dependsOn: [],
    expected: [{ account: "100000000001", region: "us-east-1", flow: "ebs" }],
    rpoHours: { ebs: 36, rds: 36, backup: 44 },
  });
  // WHEN the app is validated THEN the check names the region and what is missing
  expect(validationProblems(app)).toEqual([
    "[dr-222222222222/misconfigured-check] The freshness check of us-east-1 expects EBS sources but has no dlmPolicyFilter: it could not find the DR copy event policies",
  ]);
});
