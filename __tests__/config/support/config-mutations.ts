/**
 * Random mutations of valid configurations, for the property-based test and `npm run fuzz`: structural
 * changes (delete, duplicate, retype, unknown and dangerous keys), type-correct values at AWS's edges, and
 * careless-user edits (values copied from elsewhere, YAML typed by hand).
 */
import * as fc from "fast-check";
import * as fs from "fs";
import { parse, stringify } from "yaml";
import { generateConfig } from "../../../scripts/generate-config";
import { configJsonSchema, JsonSchema } from "../../../scripts/generate-schema";

type Json = unknown;
type PathPart = string | number;

/** The valid configurations every run starts from: the example and a generated estate of every flow. */
export function baseConfigurations(): { readonly name: string; readonly data: Json }[] {
  const example = parse(fs.readFileSync("config/example.yaml", "utf8")) as Json;
  const backup = generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, backup: true }) as Record<string, Json>;
  (backup.backup as Record<string, Json>).rules = [
    { name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 }, copyToRegion: { region: "us-east-1" } },
    { name: "weekly", schedule: "cron(0 6 ? * SUN *)", startWindowMinutes: 120, completionWindowMinutes: 600, lifecycle: { deleteAfterDays: 200, coldStorageAfterDays: 30 } },
  ];
  (backup.backup as Record<string, Json>).guardrails = { copyGuardrailTargets: ["100000000001", "ou-abcd-abcdefgh"] };
  return [
    { name: "example", data: example },
    { name: "reencrypt, two organizations", data: generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sourceOrganizations: 2 }) },
    { name: "share and reencrypt", data: generateConfig({ sourceAccounts: 2, regionsPerAccount: 1, ebsMode: "mixed" }) },
    { name: "AWS Backup", data: backup },
    { name: "RDS", data: generateConfig({ sourceAccounts: 1, regionsPerAccount: 2, rds: true }) },
    {
      name: "every flow",
      data: { ...generateConfig({ sourceAccounts: 2, regionsPerAccount: 1, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }), tags: { Team: "dr" } },
    },
  ];
}

/** Values at the edges AWS documents, and what careless users type. */
const EDGE_STRINGS = [
  "", " ", "x".repeat(300), "alias/aws/ebs", "alias/aws/rds", "cron(0 5 * * ?)", "cron(garbage)", "cron(0/5 * ? * * *)",
  "cron(0 5 * * * *)", "cron(0 3 ? * MON-FRI 2030)", "rate(1 day)", "üñîçødé", "a\u0000b", "__proto__", "constructor",
  "aws:owner", "ManagedBy", "managedby", "SnapshotDrStack", "o-aaaaaaaaaa", "o-bbbbbbbbbb", "111111111111", "222222222222",
  "888888888888", "999999999999", "us-east-9", "cn-north-1", "us-east-1", "eu-west-1", "default", "DEFAULT", "share", "Share",
  "organization", "accounts", "organizationalUnits", "compliance", "governance", "DAYS", "YEARS", "true", "yes", "null",
  "arn:aws:kms:us-east-1:111111111111:key/abc", "r-abcd", "ou-abcd-abcdefgh", "alias/snapshot-dr/kms-a",
];
const EDGE_NUMBERS = [0, -1, 1, 1.5, 3, 7, 24, 60, 90, 100, 101, 119, 120, 721, 1000, 1001, 1200, 1201, 5200, 5201, 36500, 36501, 52_560_000, 52_560_001, 1e12, Number.MAX_SAFE_INTEGER, Infinity, -Infinity, NaN, 222222222222];

const valueArbitrary: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS),
  fc.constantFrom(...EDGE_NUMBERS),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom(...EDGE_STRINGS), { maxLength: 4 }),
  fc.dictionary(fc.constantFrom("a", "Team", "aws:x", "__proto__", "constructor", "type", "enabled"), fc.constantFrom(...EDGE_STRINGS, true, 5), { maxKeys: 3 }),
);

const MUTATION_KINDS = [
  "delete", "replace", "duplicate", "unknownKey", "dangerousKey", "copyFromElsewhere", "manyTags", "enableFlow", "swapArray",
  "edgeValue", "edgeValue", "edgeValue", "edgeValue",
] as const;

const CONFIG_JSON_SCHEMA = configJsonSchema();

/** The JSON Schema of the field at a path (the variant whose `type` matches, for unions), if any. */
function schemaAt(path: readonly PathPart[], data: Json): JsonSchema | undefined {
  let node: JsonSchema | undefined = CONFIG_JSON_SCHEMA;
  path.forEach((part, index) => {
    if (!node) return;
    if (node.anyOf) {
      const value = get(data, path.slice(0, index)) as Record<string, Json> | undefined;
      node = node.anyOf.find((variant) => variant.properties?.type?.const === value?.type) ?? node.anyOf[0];
    }
    node = typeof part === "number" ? node.items : (node.properties?.[part] ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined));
  });
  return node;
}

/** A value of the field's own type at or just past its documented bounds. */
function edgeValueFor(schema: JsonSchema, pick: number): Json {
  if (schema.enum) return schema.enum[pick % schema.enum.length] as Json;
  if (schema.type === "integer" || schema.type === "number") {
    const edges = [schema.minimum, schema.maximum, schema.minimum !== undefined ? schema.minimum - 1 : undefined, schema.maximum !== undefined ? schema.maximum + 1 : undefined];
    const defined = edges.filter((edge): edge is number => edge !== undefined);
    return defined.length > 0 ? defined[pick % defined.length] : pick;
  }
  if (schema.type === "boolean") return pick % 2 === 0;
  if (schema.type === "string" && schema.maxLength !== undefined) return "a".repeat(pick % 2 === 0 ? schema.maxLength : schema.maxLength + 1);
  return EDGE_STRINGS[pick % EDGE_STRINGS.length];
}

export interface Mutation {
  readonly kind: (typeof MUTATION_KINDS)[number];
  /** Picks the node the mutation applies to (modulo the number of nodes). */
  readonly target: number;
  /** Picks the second node of copyFromElsewhere. */
  readonly source: number;
  readonly value: Json;
}

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom(...MUTATION_KINDS),
  target: fc.nat(),
  source: fc.nat(),
  value: valueArbitrary,
});

/** Careless edits of the YAML text itself. */
const TEXT_EDITS = ["none", "unquoteIds", "tabs", "duplicateLine", "truncate", "aliasBomb", "deepNesting", "emptyFile", "topLevelList", "mergeKey"] as const;
export type TextEdit = (typeof TEXT_EDITS)[number];
export const textEditArbitrary: fc.Arbitrary<{ edit: TextEdit; at: number }> = fc.record({
  edit: fc.constantFrom(...TEXT_EDITS, "none", "none", "none", "none"),
  at: fc.nat(),
});

function nodesOf(data: Json): PathPart[][] {
  const paths: PathPart[][] = [];
  const walk = (value: Json, path: PathPart[]) => {
    paths.push(path);
    if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index]));
    else if (value !== null && typeof value === "object") for (const key of Object.keys(value)) walk((value as Record<string, Json>)[key], [...path, key]);
  };
  walk(data, []);
  return paths;
}

const get = (data: Json, path: readonly PathPart[]): Json => path.reduce<Json>((node, part) => (node as Record<PathPart, Json>)?.[part], data);

function set(data: Json, path: readonly PathPart[], value: Json): void {
  const parent = get(data, path.slice(0, -1)) as Record<PathPart, Json>;
  Object.defineProperty(parent, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true });
}

/** Applies mutations to a copy of the data. */
export function mutate(base: Json, mutations: readonly Mutation[]): Json {
  const data = structuredClone(base) as Record<string, Json>;
  for (const mutation of mutations) {
    const nodes = nodesOf(data).filter((path) => path.length > 0);
    const path = nodes[mutation.target % nodes.length];
    const parent = get(data, path.slice(0, -1));
    const last = path[path.length - 1];
    const node = get(data, path);
    switch (mutation.kind) {
      case "delete":
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete (parent as Record<PathPart, Json>)[last];
        break;
      case "replace":
        set(data, path, structuredClone(mutation.value));
        break;
      case "duplicate":
        if (Array.isArray(parent)) parent.push(structuredClone(node));
        else if (Array.isArray(node) && node.length > 0) node.push(structuredClone(node[0]));
        break;
      case "unknownKey":
      case "dangerousKey": {
        const objectPath = node !== null && typeof node === "object" && !Array.isArray(node) ? path : path.slice(0, -1);
        const target = get(data, objectPath);
        if (target === null || typeof target !== "object" || Array.isArray(target)) break;
        const key = mutation.kind === "dangerousKey" ? ["__proto__", "constructor", "prototype"][mutation.source % 3] : `${String(last)}s`;
        Object.defineProperty(target, key, { value: structuredClone(mutation.value), enumerable: true, writable: true, configurable: true });
        break;
      }
      case "copyFromElsewhere":
        set(data, path, structuredClone(get(data, nodes[mutation.source % nodes.length])));
        break;
      case "manyTags":
        data.tags = Object.fromEntries(Array.from({ length: 40 + (mutation.source % 20) }, (_, index) => [`tag-${index}`, "v"]));
        break;
      case "enableFlow": {
        const flow = ["backup", "rds", "ebs"][mutation.source % 3];
        data[flow] = { ...(data[flow] as object), ...(flow === "ebs" ? { mode: "share" } : { enabled: true }) };
        break;
      }
      case "edgeValue": {
        const schema = schemaAt(path, data);
        if (schema) set(data, path, edgeValueFor(schema, mutation.source));
        break;
      }
      case "swapArray":
        if (Array.isArray(node)) node.reverse();
        break;
    }
  }
  return data;
}

/** The configuration as YAML text, with a careless edit. */
export function yamlText(data: Json, edit: { edit: TextEdit; at: number }): string {
  let text: string;
  try {
    text = stringify(data);
  } catch {
    text = JSON.stringify(data) ?? "";
  }
  const lines = text.split("\n");
  const line = edit.at % Math.max(lines.length, 1);
  switch (edit.edit) {
    case "none":
      return text;
    case "unquoteIds":
      return text.replace(/"(\d{12})"/g, "$1");
    case "tabs":
      return lines.map((l, i) => (i === line ? l.replace(/^ +/, "\t") : l)).join("\n");
    case "duplicateLine":
      return [...lines.slice(0, line + 1), lines[line], ...lines.slice(line + 1)].join("\n");
    case "truncate":
      return text.slice(0, edit.at % (text.length + 1));
    case "aliasBomb":
      return `${text}\nbomb0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `bomb${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`).join("\n")}\n`;
    case "deepNesting":
      return `${text}\ndeep: ${"[".repeat(20000)}${"]".repeat(20000)}\n`;
    case "emptyFile":
      return "";
    case "topLevelList":
      return `- ${text.replace(/\n/g, "\n  ")}`;
    case "mergeKey":
      return `${text}\nextra: &x {enabled: true}\nrds:\n  <<: *x\n`;
  }
}
