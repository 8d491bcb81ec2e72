/**
 * Reading a synthesized stack for the stack checks: its resources by type, the provider (and so the region and
 * default tags) each resource is created with, and the size a value will have once Terraform has resolved it.
 */
import { isRecord, type JsonObject } from "./policy-json";

/** One resource of a stack: its type, its name and its body as synthesized. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  /** `<type>.<name>`. */
  readonly address: string;
  readonly body: JsonObject;
}

/** Every resource of the given type (or of every type), in the order of the JSON. */
export function resourcesOf(stackJson: object, type?: string): StackResource[] {
  const resources: unknown = (stackJson as { resource?: unknown }).resource;
  if (!isRecord(resources)) return [];
  const found: StackResource[] = [];
  for (const [resourceType, byName] of Object.entries(resources)) {
    if ((type !== undefined && resourceType !== type) || !isRecord(byName)) continue;
    for (const [name, body] of Object.entries(byName)) {
      if (isRecord(body)) found.push({ type: resourceType, name, address: `${resourceType}.${name}`, body });
    }
  }
  return found;
}

/** An aws provider block of the stack. */
export interface AwsProviderView {
  /** `aws.<alias>`, or `aws` for the provider without an alias. */
  readonly reference: string;
  readonly region: string | undefined;
  /** The tags the provider adds to every resource that supports tags (`default_tags`). */
  readonly defaultTags: Readonly<Record<string, unknown>>;
}

/** The aws providers of a stack by the reference resources use (`provider: "aws.us-east-1"`). */
export function awsProviders(stackJson: object): Map<string, AwsProviderView> {
  const providers: unknown = (stackJson as { provider?: { aws?: unknown } }).provider?.aws;
  const list = Array.isArray(providers) ? providers : isRecord(providers) ? [providers] : [];
  const views = new Map<string, AwsProviderView>();
  for (const provider of list) {
    if (!isRecord(provider)) continue;
    const reference = typeof provider.alias === "string" ? `aws.${provider.alias}` : "aws";
    const blocks: unknown[] = Array.isArray(provider.default_tags) ? provider.default_tags : isRecord(provider.default_tags) ? [provider.default_tags] : [];
    const defaultTags: Record<string, unknown> = {};
    for (const block of blocks) if (isRecord(block) && isRecord(block.tags)) Object.assign(defaultTags, block.tags);
    views.set(reference, { reference, region: typeof provider.region === "string" ? provider.region : undefined, defaultTags });
  }
  return views;
}

/** The provider a resource is created with: its `provider` attribute, else the provider without an alias. */
export function providerOf(resource: StackResource, providers: ReadonlyMap<string, AwsProviderView>): AwsProviderView | undefined {
  const reference = typeof resource.body.provider === "string" ? resource.body.provider : "aws";
  return providers.get(reference);
}

/**
 * The length a KMS key ARN reference (`${aws_kms_key.<name>.arn}`) resolves to at most: `arn:aws-us-gov:kms:`
 * (19), the longest region name (14), `:`, the account (12), `:key/` (5) and the key ID (36).
 */
const KMS_KEY_ARN_MAX_LENGTH = 19 + 14 + 1 + 12 + 5 + 36;

/** Terraform references in a value: `${...}` not preceded by `$` (`$${...}` is an escaped IAM policy variable). */
const REFERENCE = /(?<!\$)\$\{([^}]*)\}/g;

/**
 * The text as Terraform sends it: an escaped IAM policy variable `$${aws:username}` becomes `${aws:username}`,
 * and a KMS key ARN reference is counted at its longest resolved length; other references keep the length of
 * their expression (an estimate: the project's policies reference nothing else of unknown length).
 */
export function resolvedText(text: string): string {
  return text.replace(REFERENCE, (whole, expression: string) => (/^aws_kms_key\.[^.]+\.arn$/.test(expression) ? "k".repeat(KMS_KEY_ARN_MAX_LENGTH) : whole)).replace(/\$\$\{/g, "${");
}

/** IAM's measure of a policy: its characters without white space, as resolved (IAM and AWS STS quotas). */
export function nonWhiteSpaceLength(text: string): number {
  return resolvedText(text).replace(/\s/g, "").length;
}

/** The UTF-8 bytes of a resolved text (KMS, SQS and SNS measure policies in bytes). */
export function resolvedBytes(text: string): number {
  return Buffer.byteLength(resolvedText(text), "utf8");
}

/** `10,240`. */
export const figure = (value: number) => value.toLocaleString("en-US");

/** One size limit of one policy attribute: what the five policy-size checks share. */
export interface AttributeSizeLimit {
  readonly resourceType: string;
  readonly attribute: string;
  readonly limit: number;
  /** How AWS measures it: characters without white space (IAM) or bytes (KMS, SQS, SNS). */
  readonly measure: (text: string) => number;
  /** The finding's message for a figure over the limit. */
  readonly message: (size: number) => string;
}

/** A finding for every resource of the type whose attribute is over the limit. */
export function attributeSizeFindings(stackJson: object, rule: AttributeSizeLimit): { address: string; attribute: string; message: string }[] {
  return resourcesOf(stackJson, rule.resourceType).flatMap((resource) => {
    const text = resource.body[rule.attribute];
    if (typeof text !== "string") return [];
    const size = rule.measure(text);
    return size > rule.limit ? [{ address: resource.address, attribute: rule.attribute, message: rule.message(size) }] : [];
  });
}
