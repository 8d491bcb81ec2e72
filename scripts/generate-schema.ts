/**
 * `npm run schema`: writes the configuration's JSON Schema (schema/snapshot-dr.schema.json, for editors) and
 * its field reference (docs/configuration.md), both generated from the zod schema in modules/config/schema.ts.
 * A test keeps the committed files equal to what this generates.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { zodToJsonSchema } from "zod-to-json-schema";
import { configSchema } from "../modules/config/schema";

export const SCHEMA_FILE = "schema/snapshot-dr.schema.json";
export const REFERENCE_FILE = "docs/configuration.md";

/** A JSON Schema node, as zod-to-json-schema writes it. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** The input schema: fields with defaults are optional; refinements beyond JSON Schema are checked by the app. */
export function configJsonSchema(): JsonSchema & Record<string, unknown> {
  const generated = zodToJsonSchema(configSchema, { $refStrategy: "none", effectStrategy: "input", target: "jsonSchema7" }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: "https://snapshot-dr.invalid/schema/snapshot-dr.schema.json",
    title: "snapshot-dr configuration",
    ...rest,
  };
}

/** Shapes worth an example in the reference: each is a complete value of its field, checked by a test. */
export const FIELD_EXAMPLES: readonly { readonly field: string; readonly title: string; readonly value: unknown }[] = [
  { field: "backup.copySources", title: "any account of the DR account's organization (the default)", value: { type: "organization" } },
  {
    field: "backup.copySources",
    title: "accounts under listed OUs",
    value: { type: "organizationalUnits", orgPaths: ["o-aaaaaaaaaa/r-ab12/ou-ab12-11111111/"] },
  },
  { field: "backup.copySources", title: "only the source accounts that use AWS Backup", value: { type: "accounts" } },
  { field: "backend", title: "local state files (the default)", value: { type: "local" } },
  { field: "backend", title: "one state file per stack in S3", value: { type: "s3", bucket: "my-terraform-state", region: "us-east-1", keyPrefix: "snapshot-dr" } },
  { field: "backend", title: "one Terraform Cloud workspace per stack", value: { type: "cloud", organization: "my-org", workspacePrefix: "snapshot-dr-" } },
  { field: "ebs.schedule", title: "every 12 hours from 03:00 UTC", value: { intervalHours: 12, time: "03:00" } },
  { field: "ebs.schedule", title: "every day at 02:00 UTC, as a cron expression (a weekly one needs ebs.transitCopyRetentionHours of 192 or more)", value: { cronExpression: "cron(0 2 * * ? *)" } },
  {
    field: "backup.rules",
    title: "a daily rule kept 35 days, and a monthly one moved to cold storage",
    value: [
      { name: "daily", schedule: "cron(0 5 ? * * *)", lifecycle: { deleteAfterDays: 35 } },
      { name: "monthly", schedule: "cron(0 6 1 * ? *)", lifecycle: { deleteAfterDays: 365, coldStorageAfterDays: 30 }, drCopyLifecycle: { deleteAfterDays: 365 } },
    ],
  },
  { field: "sourceAccounts[].ebs.kmsKeyArns", title: "share mode with an existing key", value: { "us-east-1": "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
];

const flow = (value: unknown): string => stringify(value, { collectionStyle: "flow", lineWidth: 0 }).trim();
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
/** Prose in a table cell: `<namePrefix>` must not read as an HTML tag. */
const prose = (text: string) => cell(text.replace(/</g, "&lt;").replace(/>/g, "&gt;"));

/** `{ebs: {schedule: value}}` for the field `ebs.schedule`; a list of one element for `a[]`. */
function nested(field: string, value: unknown): unknown {
  const [head, ...rest] = field.split(".");
  const inner = rest.length > 0 ? nested(rest.join("."), value) : value;
  return head.endsWith("[]") ? { [head.slice(0, -2)]: [inner] } : { [head]: inner };
}

function typeOf(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(shapeOf).join(" or ");
  if (schema.const !== undefined) return `\`${flow(schema.const)}\``;
  if (schema.enum && schema.enum.length > 12) {
    return `one of ${schema.enum.length} values (see the schema), e.g. ${schema.enum.slice(0, 3).map((value) => `\`${String(value)}\``).join(", ")}`;
  }
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(", ");
  const constraints = (parts: (string | false | undefined)[]) => parts.filter(Boolean).join(", ");
  switch (schema.type) {
    case "string": {
      const patterns = [schema.pattern, ...(schema.allOf ?? []).map((part) => part.pattern)].filter(Boolean);
      const length = schema.minLength !== undefined || schema.maxLength !== undefined ? `${schema.minLength ?? 0} to ${schema.maxLength ?? "any"} characters` : undefined;
      return constraints(["string", length, ...patterns.map((pattern) => `\`${pattern}\``)]);
    }
    case "integer":
    case "number":
      return constraints([schema.type === "integer" ? "whole number" : "number", schema.minimum !== undefined && `≥ ${schema.minimum}`, schema.maximum !== undefined && `≤ ${schema.maximum}`]);
    case "boolean":
      return "boolean";
    case "array":
      return constraints([`list of ${schema.items ? typeOf(schema.items) : "values"}`, schema.minItems !== undefined && `at least ${schema.minItems}`, schema.maxItems !== undefined && `at most ${schema.maxItems}`]);
    case "object":
      if (schema.properties) return "object";
      return `map: ${schema.propertyNames ? typeOf({ type: "string", ...schema.propertyNames }) : "string"} → ${typeof schema.additionalProperties === "object" ? typeOf(schema.additionalProperties) : "any"}`;
    default:
      return "any";
  }
}

/** `{type: organizationalUnits, orgPaths: [...]}` for a variant of a union. */
function shapeOf(schema: JsonSchema): string {
  if (!schema.properties) return typeOf(schema);
  const fields = Object.entries(schema.properties).map(([name, field]) => {
    if (field.const !== undefined) return `${name}: ${String(field.const)}`;
    const optional = schema.required?.includes(name) ? "" : "?";
    return `${name}${optional}: ${field.type === "array" ? "[...]" : "…"}`;
  });
  return `\`{${fields.join(", ")}}\``;
}

interface Row {
  readonly field: string;
  readonly schema: JsonSchema;
  readonly required: boolean;
}

/** Every field below `schema`, depth first, with its path (`sourceAccounts[].ebs.mode`). */
function rowsOf(schema: JsonSchema, prefix: string, required: boolean): Row[] {
  const rows: Row[] = prefix ? [{ field: prefix, schema, required }] : [];
  const objectSchema = schema.type === "array" && schema.items ? schema.items : schema;
  const itemPrefix = schema.type === "array" ? `${prefix}[]` : prefix;
  if (objectSchema.properties) {
    for (const [name, field] of Object.entries(objectSchema.properties)) {
      rows.push(...rowsOf(field, itemPrefix ? `${itemPrefix}.${name}` : name, objectSchema.required?.includes(name) ?? false));
    }
  }
  for (const variant of objectSchema.anyOf ?? []) {
    const tag = Object.entries(variant.properties ?? {}).find(([, field]) => field.const !== undefined);
    for (const [name, field] of Object.entries(variant.properties ?? {})) {
      if (field.const !== undefined) continue;
      rows.push(...rowsOf(field, `${itemPrefix}.${name} (${tag ? `${tag[0]}: ${String(tag[1].const)}` : "variant"})`, variant.required?.includes(name) ?? false));
    }
  }
  return rows;
}

function defaultOf(row: Row): string {
  if (row.schema.default !== undefined) return `\`${flow(row.schema.default)}\``;
  if (row.required) return "required";
  const stated = /Default: ([^.]*(\.[a-z][^.]*)*)\./.exec(row.schema.description ?? "");
  return stated ? stated[1] : "—";
}

/** The field reference: one table per top-level field, the shapes of the unions, and examples. */
export function configurationReference(schema: JsonSchema): string {
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run schema` from modules/config/schema.ts. Do not edit: a test compares it. -->",
    "",
    "snapshot-dr reads one YAML (or JSON) file, `DR_CONFIG` (default `config/example.yaml`). The JSON Schema",
    `\`${SCHEMA_FILE}\` gives editors completion and validation: start the file with`,
    "`# yaml-language-server: $schema=<relative path to schema/snapshot-dr.schema.json>` (as `config/example.yaml` does).",
    "The app checks more than the schema can express (rules between fields, AWS limits such as the size of a",
    "service control policy); `npm run synth` reports every problem at once, each with its path.",
    "",
    "Paths: `a.b` is field `b` of object `a`; `a[]` is each element of list `a`; `(type: s3)` marks the fields of",
    "one shape of a field that has several.",
    "",
  ];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    lines.push(`## \`${name}\``, "", prose(field.description ?? ""), "", "| Field | Type | Default | Description |", "|---|---|---|---|");
    for (const row of rowsOf(field, name, schema.required?.includes(name) ?? false)) {
      lines.push(`| \`${row.field}\` | ${cell(typeOf(row.schema))} | ${prose(defaultOf(row))} | ${prose(row.schema.description ?? "")} |`);
    }
    const examples = FIELD_EXAMPLES.filter((example) => example.field.split(/[.[]/)[0] === name);
    if (examples.length > 0) {
      lines.push("", "Examples:", "");
      for (const example of examples) {
        lines.push(`- ${example.title}:`, "", "  ```yaml", ...stringify(nested(example.field, example.value)).trimEnd().split("\n").map((line) => `  ${line}`), "  ```", "");
      }
    }
    lines.push("");
  }
  lines.push("## A complete example", "", "`config/example.yaml`:", "", "```yaml", fs.readFileSync("config/example.yaml", "utf8").trimEnd(), "```", "");
  return `${lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

export const schemaFileText = (schema: object) => `${JSON.stringify(schema, null, 2)}\n`;

if (require.main === module) {
  const schema = configJsonSchema();
  for (const [file, text] of [
    [SCHEMA_FILE, schemaFileText(schema)],
    [REFERENCE_FILE, configurationReference(schema)],
  ] as const) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    console.log(`Wrote ${file} (${text.length} characters)`);
  }
}
