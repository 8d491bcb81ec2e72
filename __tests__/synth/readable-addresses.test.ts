import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { TerraformElement, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { loadConfig, parseConfig } from "../../modules/config/load-config";
import { addressProblems, readableLogicalId } from "../../modules/stack/readable-addresses";
import { generateConfig, type GeneratedConfigOptions } from "../../scripts/generate-config";
import { buildApp } from "../../stacks/snapshot-dr-app";
import { synthesize, validationProblems } from "../../stacks/synthesize";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const READABLE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*(__[a-z0-9]+(_[a-z0-9]+)*)*$/;
const HASH_SUFFIX = /_[0-9A-F]{8}$/;

/** Every resource, data source and output address of a synthesized output directory. */
function synthesizedAddresses(outdir: string): string[] {
  const addresses: string[] = [];
  for (const stack of fs.readdirSync(path.join(outdir, "stacks")).sort()) {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
    for (const [type, byName] of Object.entries<Record<string, unknown>>(json.resource ?? {})) for (const name of Object.keys(byName)) addresses.push(`${stack} ${type}.${name}`);
    for (const [type, byName] of Object.entries<Record<string, unknown>>(json.data ?? {})) for (const name of Object.keys(byName)) addresses.push(`${stack} data.${type}.${name}`);
    for (const name of Object.keys(json.output ?? {})) addresses.push(`${stack} output.${name}`);
  }
  return addresses;
}

/** What the construct trees hold: one entry per resource, data source and output, in every stack. */
function constructCount(options: GeneratedConfigOptions): number {
  const app = buildApp(parseConfig(generateConfig(options)), { outdir: os.tmpdir() });
  return app.node
    .findAll()
    .filter((node) => TerraformElement.isTerraformElement(node) && ("terraformResourceType" in node || TerraformOutput.isTerraformOutput(node)))
    .filter((node) => !("terraformGeneratorMetadata" in node && (node as { terraformResourceType: string }).terraformResourceType === "aws")).length;
}

describe("readable Terraform addresses", () => {
  let workdir: string;
  beforeEach(() => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-dr-addresses-"));
  });
  afterEach(() => fs.rmSync(workdir, { recursive: true, force: true }));

  test("the example's keys, vaults and policies have names without construct hashes", () => {
    // GIVEN the example WHEN synthesized
    synthesize(loadConfig(path.join(PROJECT_ROOT, "config/example.yaml")), workdir);
    const addresses = synthesizedAddresses(workdir);
    // THEN the addresses a reader looks for are there, readable
    expect(addresses).toEqual(
      expect.arrayContaining([
        "dr-222222222222 aws_kms_key.kms_b_us_east_1",
        "dr-222222222222 aws_kms_alias.kms_b_us_east_1",
        "dr-222222222222 aws_kms_key.kms_c_us_west_2",
        "dr-222222222222 aws_iam_role.dlm_role",
        "dr-222222222222 output.kms_c_key_arn_us_east_1",
      ]),
    );
    // AND no name ends in a hash or leaves the scheme
    for (const address of addresses) {
      const name = address.split(".").pop()!;
      expect({ address, hash: HASH_SUFFIX.test(name), readable: READABLE_NAME.test(name) }).toEqual({ address, hash: false, readable: true });
    }
  });

  test.each<[string, GeneratedConfigOptions]>([
    ["re-encryption across organizations", { sourceAccounts: 4, sourceOrganizations: 2 }],
    ["sharing", { sourceAccounts: 3, ebsMode: "share" }],
    ["both EBS modes", { sourceAccounts: 4, ebsMode: "mixed" }],
    ["AWS Backup in one organization", { sourceAccounts: 3, sameOrganization: true, backup: true }],
    ["RDS", { sourceAccounts: 3, rds: true }],
    ["every flow at once", { sourceAccounts: 3, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }],
  ])("%s: every element keeps its own address (no collision), without hashes", (_, options) => {
    // GIVEN a generated estate WHEN synthesized
    synthesize(parseConfig(generateConfig(options)), workdir);
    const addresses = synthesizedAddresses(workdir);
    // THEN there are as many addresses as elements in the construct trees (a collision would overwrite one)
    expect(addresses).toHaveLength(constructCount(options));
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(addresses.filter((address) => HASH_SUFFIX.test(address) || !READABLE_NAME.test(address.split(".").pop()!))).toEqual([]);
  });

  test("the same configuration gives the same addresses", () => {
    // GIVEN an estate of every flow synthesized twice
    const options: GeneratedConfigOptions = { sourceAccounts: 3, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true };
    synthesize(parseConfig(generateConfig(options)), path.join(workdir, "a"));
    synthesize(parseConfig(generateConfig(options)), path.join(workdir, "b"));
    // THEN the addresses are the same, in the same order
    expect(synthesizedAddresses(path.join(workdir, "b"))).toEqual(synthesizedAddresses(path.join(workdir, "a")));
  });

  describe("the rule", () => {
    let stack: TerraformStack;
    beforeEach(() => {
      const app = buildApp(parseConfig(generateConfig({ sourceAccounts: 1 })), { outdir: workdir });
      stack = app.node.children.filter(TerraformStack.isStack)[0];
    });

    test("a construct id outside the rule stops the synthesis with the path and the rule", () => {
      // GIVEN a queue whose construct id has capitals and an underscore
      new SqsQueue(stack, "Careless_Queue", {});
      // WHEN the stacks are validated THEN the problem names the construct and the rule
      expect(validationProblems(stack.node.scope as never)).toContain(
        '[dr-222222222222] Construct id "Careless_Queue" (at dr-222222222222/Careless_Queue) breaks the Terraform address rule: ids are ' +
          'lowercase letters and digits in words joined by single hyphens (e.g. "kms-b-us-east-1"), and the first id below the stack starts with a letter',
      );
    });

    test("the element's own id is dropped only where it is the only one of its type in its parent", () => {
      // GIVEN a parent with one queue, and another with two queues
      const single = new Construct(stack, "single-parent");
      const alone = new SqsQueue(single, "queue", {});
      const pair = new Construct(stack, "pair-parent");
      const first = new SqsQueue(pair, "first", {});
      const second = new SqsQueue(pair, "second-queue", {});
      // WHEN named THEN the lone queue takes its parent's name, the pair keep theirs
      expect(readableLogicalId(alone, stack)).toBe("single_parent");
      expect(readableLogicalId(first, stack)).toBe("pair_parent__first");
      expect(readableLogicalId(second, stack)).toBe("pair_parent__second_queue");
      expect(addressProblems(stack)).toEqual([]);
    });

    test("a parent that is itself of the element's type keeps the child's id", () => {
      // GIVEN a queue with a queue inside it
      const outer = new SqsQueue(stack, "outer", {});
      const inner = new SqsQueue(outer, "inner", {});
      // WHEN named THEN the inner queue is not named like the outer one
      expect(readableLogicalId(outer, stack)).toBe("outer");
      expect(readableLogicalId(inner, stack)).toBe("outer__inner");
    });
  });
});
