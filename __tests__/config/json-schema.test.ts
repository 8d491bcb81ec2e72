import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseConfig } from "../../modules/config/load-config";
import { generateConfig, GeneratedConfigOptions } from "../../scripts/generate-config";
import {
  configJsonSchema,
  configurationReference,
  FIELD_EXAMPLES,
  JsonSchema,
  REFERENCE_FILE,
  SCHEMA_FILE,
  schemaFileText,
} from "../../scripts/generate-schema";
import { baseConfigurations, mutate, mutationArbitrary } from "./support/config-mutations";
import { jsonSchemaErrors } from "./support/json-schema-subset";

const schema = configJsonSchema();
const accepted = (data: unknown) => {
  try {
    parseConfig(data);
    return true;
  } catch {
    return false;
  }
};

/** Every configuration the test suite's configuration tests accept: the example, generated estates, and mutations the app accepts. */
function configurationsTheAppAccepts(): { name: string; data: unknown }[] {
  const estates: GeneratedConfigOptions[] = [
    { sourceAccounts: 1 },
    { sourceAccounts: 3, regionsPerAccount: 5, sourceOrganizations: 2 },
    { sourceAccounts: 4, ebsMode: "share" },
    { sourceAccounts: 4, ebsMode: "mixed", sameOrganization: true, backup: true, rds: true },
    { sourceAccounts: 55, regionsPerAccount: 1 },
  ];
  const bases = baseConfigurations();
  const mutants = fc
    .sample(fc.tuple(fc.nat({ max: bases.length - 1 }), fc.array(mutationArbitrary, { maxLength: 2 })), { seed: 1313, numRuns: 200 })
    .map(([base, mutations], index) => ({ name: `mutant ${index}`, data: mutate(bases[base].data, mutations) }))
    .filter(({ data }) => accepted(data));
  return [
    { name: "config/example.yaml", data: parse(fs.readFileSync("config/example.yaml", "utf8")) },
    ...estates.map((options) => ({ name: `generated ${JSON.stringify(options)}`, data: generateConfig(options) })),
    ...bases,
    ...mutants,
  ];
}

describe("the JSON Schema and the field reference", () => {
  test("the committed schema and reference are what `npm run schema` generates", () => {
    // GIVEN the zod schema WHEN the schema and reference are generated THEN they equal the committed files
    expect(fs.readFileSync(SCHEMA_FILE, "utf8")).toBe(schemaFileText(schema));
    expect(fs.readFileSync(REFERENCE_FILE, "utf8")).toBe(configurationReference(schema));
  });

  test("every field has a description, and a default unless it is required", () => {
    // GIVEN every field of the schema
    const missing: string[] = [];
    const walk = (node: JsonSchema, field: string, required: boolean) => {
      if (!node.description) missing.push(`${field}: no description`);
      if (!required && node.default === undefined && !/Default: /.test(node.description ?? "")) missing.push(`${field}: optional without a default`);
      const object = node.type === "array" && node.items ? node.items : node;
      for (const [name, child] of Object.entries(object.properties ?? {})) walk(child, `${field}.${name}`, object.required?.includes(name) ?? false);
      for (const variant of object.anyOf ?? []) {
        for (const [name, child] of Object.entries(variant.properties ?? {})) walk(child, `${field}.${name}`, variant.required?.includes(name) ?? false);
      }
    };
    for (const [name, field] of Object.entries(schema.properties ?? {})) walk(field, name, schema.required?.includes(name) ?? false);
    // THEN none lacks either
    expect(missing).toEqual([]);
  });

  test("every pattern compiles as editors compile it (Unicode mode)", () => {
    // GIVEN every pattern in the schema
    const patterns = [...JSON.stringify(schema).matchAll(/"pattern":("(?:[^"\\]|\\.)*")/g)].map((match) => JSON.parse(match[1]) as string);
    expect(patterns.length).toBeGreaterThan(20);
    // WHEN each is compiled with the u flag THEN none is invalid
    expect(patterns.filter((pattern) => {
      try {
        new RegExp(pattern, "u");
        return false;
      } catch {
        return true;
      }
    })).toEqual([]);
  });

  test("accepts every configuration the app accepts", () => {
    // GIVEN the example, generated estates of every flow and valid mutations of them
    const configurations = configurationsTheAppAccepts();
    expect(configurations.length).toBeGreaterThan(30);
    // WHEN each is validated against the JSON Schema THEN none has an error
    const errors = configurations.flatMap(({ name, data }) => jsonSchemaErrors(schema, JSON.parse(JSON.stringify(data))).map((error) => `${name}: ${error}`));
    expect(errors).toEqual([]);
  });

  test.each<[string, (config: Record<string, any>) => void]>([ // eslint-disable-line @typescript-eslint/no-explicit-any
    ["an unknown field", (c) => (c.drAccount.copyRegion = "us-east-1")],
    ["an unquoted account ID", (c) => (c.drAccount.id = 222222222222)],
    ["copySources as a string", (c) => (c.backup = { copySources: "organization" })],
    ["an unknown region", (c) => (c.sourceAccounts[0].regions = ["us-east-9"])],
    ["four copy regions", (c) => (c.drAccount.copyRegions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2"])],
    ["an unsupported snapshot interval", (c) => (c.ebs = { schedule: { intervalHours: 5 } })],
    ["a missing DR account", (c) => delete c.drAccount],
    ["a reserved tag key", (c) => (c.tags = { "aws:owner": "x" })],
    ["a tag key outside the character set", (c) => (c.tags = { "a#b": "x" })],
    ["a start window over 100 years", (c) => (c.backup = { rules: [{ name: "r", schedule: "cron(0 5 ? * * *)", startWindowMinutes: 52_560_001, lifecycle: { deleteAfterDays: 7 } }] })],
    ["an unknown backend", (c) => (c.backend = { type: "gcs" })],
  ])("rejects what the app rejects: %s", (_, breakIt) => {
    // GIVEN the example broken in one way
    const config = parse(fs.readFileSync("config/example.yaml", "utf8"));
    breakIt(config);
    // WHEN both validate it THEN both reject it
    expect(accepted(config)).toBe(false);
    expect(jsonSchemaErrors(schema, config)).not.toEqual([]);
  });

  test("config/example.yaml names the schema by a relative path that exists", () => {
    // GIVEN the example's first line
    const firstLine = fs.readFileSync("config/example.yaml", "utf8").split("\n")[0];
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine);
    // THEN it is the yaml-language-server comment, and its path leads from config/ to the committed schema
    expect(match).not.toBeNull();
    expect(path.normalize(path.join("config", match![1]))).toBe(path.normalize(SCHEMA_FILE));
  });

  test("the reference's examples are valid configuration", () => {
    // GIVEN each example of the reference, placed into the example configuration
    for (const example of FIELD_EXAMPLES) {
      const config = parse(fs.readFileSync("config/example.yaml", "utf8"));
      const segments = example.field.split(".");
      let node = config;
      for (const segment of segments.slice(0, -1)) node = segment.endsWith("[]") ? node[segment.slice(0, -2)][0] : (node[segment] ??= {});
      node[segments[segments.length - 1]] = example.value;
      if (example.field.startsWith("backup.")) Object.assign(config, { backup: { ...config.backup, enabled: true }, drAccount: { ...config.drAccount, organizationId: "o-aaaaaaaaaa" } });
      if (example.field.includes("kmsKeyArns")) config.sourceAccounts[0].ebs.mode = "share";
      // WHEN the app validates it THEN it is accepted
      expect({ field: example.field, accepted: accepted(config) }).toEqual({ field: example.field, accepted: true });
    }
  });
});
