import { awsProviders, figure, providerOf, resourcesOf } from "../stack-json";
import type { StackCheck } from "../types";

/**
 * Amazon EventBridge quotas, "Rules per event bus": 300 by default, per account and region. Adjustable in
 * Service Quotas, so a larger estate may raise it; the check holds the default, which an account has until an
 * increase is granted (the capacity plan is where a raised quota belongs).
 */
export const EVENT_RULES_PER_BUS_LIMIT = 300;

export const EventRulesPerBusWithinLimit: StackCheck = {
  id: "EventRulesPerBusWithinLimit",
  explanation: "Keep at most 300 rules on one event bus of a region (the default quota): merge rules with a wider event pattern, or request a higher \"Rules per event bus\" quota first.",
  check(stack) {
    const providers = awsProviders(stack.json);
    const byBus = new Map<string, number>();
    for (const rule of resourcesOf(stack.json, "aws_cloudwatch_event_rule")) {
      const region = providerOf(rule, providers)?.region ?? "(provider region unknown)";
      const bus = typeof rule.body.event_bus_name === "string" ? rule.body.event_bus_name : "default";
      const key = `${region} ${bus}`;
      byBus.set(key, (byBus.get(key) ?? 0) + 1);
    }
    return [...byBus]
      .filter(([, count]) => count > EVENT_RULES_PER_BUS_LIMIT)
      .map(([key, count]) => {
        const [region, bus] = key.split(" ");
        return {
          address: `aws_cloudwatch_event_rule[${region}/${bus}]`,
          attribute: "",
          message: `${figure(count)} rules on event bus ${bus} in ${region}; EventBridge allows ${EVENT_RULES_PER_BUS_LIMIT} per event bus by default ("Rules per event bus")`,
        };
      });
  },
};
