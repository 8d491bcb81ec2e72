import { isRecord } from "../policy-json";
import { awsProviders, resourcesOf } from "../stack-json";
import type { StackCheck, StackFinding } from "../types";

/**
 * "Tagging your AWS resources", tag restrictions: keys of 1 to 128 and values of 0 to 256 Unicode characters;
 * "letters, numbers, and spaces representable in UTF-8, and the following characters: _ . : / = + - @";
 * the `aws:` prefix is reserved for AWS. (Some services accept more; this is what every service accepts.)
 */
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function problems(key: string, value: unknown): string[] {
  const found: string[] = [];
  if ([...key].length < 1 || [...key].length > 128) found.push(`key '${key}' is ${[...key].length} characters (1 to 128)`);
  if (!ALLOWED.test(key)) found.push(`key '${key}' has characters outside letters, numbers, spaces and _ . : / = + - @`);
  if (key.toLowerCase().startsWith("aws:")) found.push(`key '${key}' uses the reserved prefix aws:`);
  if (typeof value === "string" && !value.includes("${")) {
    if ([...value].length > 256) found.push(`value of '${key}' is ${[...value].length} characters (at most 256)`);
    if (!ALLOWED.test(value)) found.push(`value of '${key}' ('${value}') has characters outside letters, numbers, spaces and _ . : / = + - @`);
  }
  return found;
}

export const TagsUseAllowedCharacters: StackCheck = {
  id: "TagsUseAllowedCharacters",
  explanation: "Use tag keys of 1 to 128 and values of at most 256 letters, numbers, spaces and _ . : / = + - @, and no key starting with aws:.",
  check(stack) {
    const findings: StackFinding[] = [];
    for (const provider of awsProviders(stack.json).values()) {
      for (const [key, value] of Object.entries(provider.defaultTags)) {
        for (const problem of problems(key, value)) findings.push({ address: `provider.${provider.reference}`, attribute: "default_tags", message: `Tag ${problem}` });
      }
    }
    for (const resource of resourcesOf(stack.json)) {
      if (!isRecord(resource.body.tags)) continue;
      for (const [key, value] of Object.entries(resource.body.tags)) {
        for (const problem of problems(key, value)) findings.push({ address: resource.address, attribute: "tags", message: `Tag ${problem}` });
      }
    }
    return findings;
  },
};
