import { isRecord } from "../policy-json";
import { awsProviders, figure, providerOf, resourcesOf } from "../stack-json";
import type { StackCheck, StackFinding } from "../types";

/**
 * "Tagging your AWS resources", tag restrictions: "Maximum number of tags per resource – 50". The provider's
 * `default_tags` are added to every taggable resource, so they count with the resource's own tags (a key in
 * both counts once).
 */
export const TAGS_PER_RESOURCE_LIMIT = 50;

export const TagsPerResourceWithinLimit: StackCheck = {
  id: "TagsPerResourceWithinLimit",
  explanation: "Keep at most 50 tags on each resource, counting the provider's default tags (the configuration's tags): drop or merge tags.",
  check(stack) {
    const providers = awsProviders(stack.json);
    const findings: StackFinding[] = [];
    for (const provider of providers.values()) {
      const count = Object.keys(provider.defaultTags).length;
      if (count > TAGS_PER_RESOURCE_LIMIT) {
        findings.push({
          address: `provider.${provider.reference}`,
          attribute: "default_tags",
          message: `The provider adds ${figure(count)} default tags to every resource; AWS allows at most ${TAGS_PER_RESOURCE_LIMIT} tags per resource`,
        });
      }
    }
    for (const resource of resourcesOf(stack.json)) {
      if (!isRecord(resource.body.tags)) continue;
      const keys = new Set([...Object.keys(providerOf(resource, providers)?.defaultTags ?? {}), ...Object.keys(resource.body.tags)]);
      const own = Object.keys(resource.body.tags).length;
      if (keys.size > TAGS_PER_RESOURCE_LIMIT) {
        findings.push({
          address: resource.address,
          attribute: "tags",
          message: `The resource has ${figure(keys.size)} tags (${own} of its own, the rest the provider's default tags); AWS allows at most ${TAGS_PER_RESOURCE_LIMIT} tags per resource`,
        });
      }
    }
    return findings;
  },
};
