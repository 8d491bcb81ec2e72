/**
 * Test and review support (also used by scripts/review/): synthesizes a configuration into a fresh temporary directory and reads the stacks back
 * from the JSON Terraform will deploy (`<outdir>/stacks/<stack>/cdk.tf.json`), not from the TypeScript
 * objects that produced it.
 *
 * Policies are JSON strings inside that JSON. Some contain Terraform references (e.g. the DR DLM role's
 * inline policy lists `${aws_kms_key.<id>.arn}`); {@link SynthesizedStack.resolve} replaces the references
 * a policy may hold with realistic values, and refuses any it cannot resolve, so that a policy simulator
 * never sees a raw `${...}`.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { SnapshotDrConfig } from "../../modules/config/load-config";
import { synthesize } from "../../stacks/synthesize";

/** An IAM policy document as parsed from the synthesized JSON. */
export interface IamPolicyDocument {
  readonly Version: string;
  readonly Statement: readonly IamPolicyStatement[];
}

export interface IamPolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: unknown;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** One inline policy of a role, by name, with its document (references resolved). */
export interface InlinePolicy {
  readonly name: string;
  readonly document: IamPolicyDocument;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface ResourceEntry {
  readonly type: string;
  readonly id: string;
  readonly body: Json;
}

/** A deterministic, UUID-shaped KMS key ID for a key resource of a stack. */
export function fakeKeyId(stackName: string, resourceId: string): string {
  const hex = createHash("sha256").update(`${stackName}/${resourceId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// `${type.id.attribute}`, not preceded by a second `$` (`$${` is Terraform's escape for a literal `${`).
const REFERENCE = /(?<!\$)\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}/g;

/** One synthesized stack: its JSON and the lookups the proofs need. */
export class SynthesizedStack {
  /** The account every provider of the stack is restricted to (`allowed_account_ids`). */
  readonly accountId: string;
  readonly partition: string;
  private readonly regionByProvider = new Map<string, string>();

  constructor(
    readonly name: string,
    readonly json: Json,
  ) {
    const providers: Json[] = json.provider?.aws ?? [];
    if (providers.length === 0) throw new Error(`Stack ${name} declares no aws provider`);
    const accounts = new Set<string>();
    for (const provider of providers) {
      if (typeof provider.alias !== "string" || typeof provider.region !== "string") {
        throw new Error(`Stack ${name}: every aws provider must have an alias and a region, got ${JSON.stringify(provider)}`);
      }
      this.regionByProvider.set(`aws.${provider.alias}`, provider.region);
      for (const id of provider.allowed_account_ids ?? []) accounts.add(id);
    }
    if (accounts.size !== 1) {
      throw new Error(`Stack ${name}: expected its providers to allow exactly one account, got ${JSON.stringify([...accounts])}`);
    }
    this.accountId = [...accounts][0];
    const roleArn: string | undefined = providers[0].assume_role?.[0]?.role_arn;
    this.partition = roleArn?.split(":")[1] ?? "aws";
  }

  /** Every resource of a type, as `[id, body]`. */
  resources(type: string): ResourceEntry[] {
    return Object.entries<Json>(this.json.resource?.[type] ?? {}).map(([id, body]) => ({ type, id, body }));
  }

  /** A resource by type and id; throws when absent. */
  resource(type: string, id: string): Json {
    const body = this.json.resource?.[type]?.[id];
    if (!body) throw new Error(`Stack ${this.name} has no ${type}.${id}`);
    return body;
  }

  /** The region of a resource, from its `provider` (`aws.<alias>`). */
  regionOf(type: string, id: string): string {
    const provider = this.resource(type, id).provider;
    const region = typeof provider === "string" ? this.regionByProvider.get(provider) : undefined;
    if (!region) throw new Error(`Stack ${this.name}: ${type}.${id} has provider ${JSON.stringify(provider)}, which is not a known regional aws provider`);
    return region;
  }

  /** The ARN a `aws_kms_key` resource will have once deployed (its region from its provider, this stack's account). */
  kmsKeyArnOf(resourceId: string): string {
    return `arn:${this.partition}:kms:${this.regionOf("aws_kms_key", resourceId)}:${this.accountId}:key/${fakeKeyId(this.name, resourceId)}`;
  }

  /**
   * Replaces the Terraform references that can appear in policies with realistic values; throws on any other
   * `${...}` so that no unresolved interpolation reaches a simulator. `$${` (escaped) becomes a literal `${`.
   */
  resolve(text: string): string {
    const resolved = text.replace(REFERENCE, (whole, type: string, id: string, attribute: string) => {
      if (type === "aws_kms_key" && attribute === "arn") return this.kmsKeyArnOf(id);
      if (type === "aws_kms_key" && attribute === "key_id") {
        this.resource(type, id);
        return fakeKeyId(this.name, id);
      }
      if (type === "aws_iam_role" && attribute === "arn") return `arn:${this.partition}:iam::${this.accountId}:role/${this.resource(type, id).name}`;
      if (type === "aws_iam_role" && attribute === "name") return this.resource(type, id).name;
      throw new Error(`Stack ${this.name}: cannot resolve the Terraform reference ${whole}`);
    });
    const leftover = resolved.match(/(?<!\$)\$\{[^}]*\}/);
    if (leftover) throw new Error(`Stack ${this.name}: unresolved interpolation ${leftover[0]} in ${text}`);
    return resolved.replace(/\$\$\{/g, "${");
  }

  /** Parses a policy JSON string of the synthesized output, references resolved. */
  parsePolicy(text: unknown, where: string): IamPolicyDocument {
    if (typeof text !== "string") throw new Error(`Stack ${this.name}: ${where} is not a JSON string policy: ${JSON.stringify(text)}`);
    const document = JSON.parse(this.resolve(text)) as IamPolicyDocument;
    if (!Array.isArray(document.Statement)) throw new Error(`Stack ${this.name}: ${where} has no Statement array`);
    return document;
  }

  /** The `aws_kms_key` resource id an alias (by name, in a region) targets, following `${aws_kms_key.<id>.key_id}`. */
  keyResourceId(aliasName: string, region: string): string {
    const aliases = this.resources("aws_kms_alias").filter(
      (alias) => alias.body.name === aliasName && this.regionOf("aws_kms_alias", alias.id) === region,
    );
    if (aliases.length !== 1) {
      throw new Error(`Stack ${this.name}: expected one aws_kms_alias named ${aliasName} in ${region}, found ${aliases.length}`);
    }
    const target: unknown = aliases[0].body.target_key_id;
    const match = typeof target === "string" ? /^\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.key_id\}$/.exec(target) : null;
    if (!match) throw new Error(`Stack ${this.name}: alias ${aliasName} in ${region} targets ${JSON.stringify(target)}, not a key of this stack`);
    const keyId = match[1];
    const keyRegion = this.regionOf("aws_kms_key", keyId);
    if (keyRegion !== region) throw new Error(`Stack ${this.name}: alias ${aliasName} in ${region} targets key ${keyId} in ${keyRegion}`);
    return keyId;
  }

  /** The ARN of the key an alias targets in a region. */
  keyArn(aliasName: string, region: string): string {
    return this.kmsKeyArnOf(this.keyResourceId(aliasName, region));
  }

  /** The key policy of the key an alias targets in a region. */
  keyPolicy(aliasName: string, region: string): IamPolicyDocument {
    const keyId = this.keyResourceId(aliasName, region);
    return this.parsePolicy(this.resource("aws_kms_key", keyId).policy, `aws_kms_key.${keyId}.policy`);
  }

  /** The regions that have a key behind an alias name. */
  aliasRegions(aliasName: string): string[] {
    return this.resources("aws_kms_alias")
      .filter((alias) => alias.body.name === aliasName)
      .map((alias) => this.regionOf("aws_kms_alias", alias.id))
      .sort();
  }

  /** The `aws_iam_role` resource id of a role, by name. */
  roleResourceId(roleName: string): string {
    const roles = this.resources("aws_iam_role").filter((role) => role.body.name === roleName);
    if (roles.length !== 1) throw new Error(`Stack ${this.name}: expected one aws_iam_role named ${roleName}, found ${roles.length}`);
    return roles[0].id;
  }

  roleArn(roleName: string): string {
    this.roleResourceId(roleName);
    return `arn:${this.partition}:iam::${this.accountId}:role/${roleName}`;
  }

  /** The role's trust (assume-role) policy. */
  trustPolicy(roleName: string): IamPolicyDocument {
    const id = this.roleResourceId(roleName);
    return this.parsePolicy(this.resource("aws_iam_role", id).assume_role_policy, `aws_iam_role.${id}.assume_role_policy`);
  }

  /** Resources of a type whose `role` refers to the role (`${aws_iam_role.<id>.name}`) or names it. */
  private attachedToRole(type: string, roleName: string): ResourceEntry[] {
    const id = this.roleResourceId(roleName);
    return this.resources(type).filter(
      (entry) => entry.body.role === `\${aws_iam_role.${id}.name}` || entry.body.role === `\${aws_iam_role.${id}.id}` || entry.body.role === roleName,
    );
  }

  /** The role's inline policies (`aws_iam_role_policy` and `inline_policy` blocks), parsed and resolved. */
  roleInlinePolicies(roleName: string): InlinePolicy[] {
    const id = this.roleResourceId(roleName);
    const role = this.resource("aws_iam_role", id);
    const blocks: Json[] = role.inline_policy ?? [];
    return [
      ...this.attachedToRole("aws_iam_role_policy", roleName).map((entry) => ({
        name: String(entry.body.name),
        document: this.parsePolicy(entry.body.policy, `aws_iam_role_policy.${entry.id}.policy`),
      })),
      ...blocks.map((block, index) => ({
        name: String(block.name ?? `inline_policy[${index}]`),
        document: this.parsePolicy(block.policy, `aws_iam_role.${id}.inline_policy[${index}]`),
      })),
    ];
  }

  /** The ARNs of the managed policies attached to the role. */
  managedPolicyArns(roleName: string): string[] {
    const id = this.roleResourceId(roleName);
    const role = this.resource("aws_iam_role", id);
    return [
      ...this.attachedToRole("aws_iam_role_policy_attachment", roleName).map((entry) => String(entry.body.policy_arn)),
      ...(role.managed_policy_arns ?? []),
    ];
  }
}

/** The stacks of one synthesis. */
export class SynthesizedApp {
  readonly stacks: ReadonlyMap<string, SynthesizedStack>;

  constructor(
    readonly outdir: string,
    stackNames: readonly string[],
  ) {
    const stacks = new Map<string, SynthesizedStack>();
    for (const name of stackNames) {
      const file = path.join(outdir, "stacks", name, "cdk.tf.json");
      stacks.set(name, new SynthesizedStack(name, JSON.parse(fs.readFileSync(file, "utf8"))));
    }
    this.stacks = stacks;
  }

  stack(name: string): SynthesizedStack {
    const stack = this.stacks.get(name);
    if (!stack) throw new Error(`No stack ${name}; the synthesis has ${[...this.stacks.keys()].join(", ")}`);
    return stack;
  }

  /** `dr-<account>` */
  dr(accountId: string): SynthesizedStack {
    return this.stack(`dr-${accountId}`);
  }

  /** `source-<account>` */
  source(accountId: string): SynthesizedStack {
    return this.stack(`source-${accountId}`);
  }

  /** Removes the temporary directory. */
  cleanup(): void {
    fs.rmSync(this.outdir, { recursive: true, force: true });
  }
}

/**
 * Synthesizes a configuration into a fresh directory from `fs.mkdtempSync` and reads every stack back.
 * Call `cleanup()` when done.
 */
export function synthesizeToTemp(config: SnapshotDrConfig, label = "snapshot-dr-proof"): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  try {
    const { stacks } = synthesize(config, outdir);
    const written = fs.readdirSync(path.join(outdir, "stacks")).sort();
    if (JSON.stringify([...stacks].sort()) !== JSON.stringify(written)) {
      throw new Error(`synthesize reported stacks ${JSON.stringify(stacks)} but wrote ${JSON.stringify(written)}`);
    }
    return new SynthesizedApp(outdir, stacks);
  } catch (error) {
    fs.rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}
