/**
 * A validator for the part of JSON Schema (draft 7) that schema/snapshot-dr.schema.json uses, so that the
 * tests can check it without a validator package. A keyword outside the subset fails loudly rather than being
 * ignored, so the subset cannot silently drift from what the generator writes.
 */
import type { JsonSchema } from "../../../scripts/generate-schema";

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "default"]);
const KEYWORDS = new Set([
  "type", "properties", "required", "additionalProperties", "propertyNames", "items", "minItems", "maxItems", "enum", "const", "anyOf", "allOf",
  "minLength", "maxLength", "pattern", "minimum", "maximum",
]);

const typeOfValue = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;

const typeMatches = (expected: string, value: unknown) => {
  const actual = typeOfValue(value);
  return expected === actual || (expected === "number" && actual === "integer");
};

/** Every error of `value` against `schema`, as `path: reason` (empty when valid). */
export function jsonSchemaErrors(schema: JsonSchema, value: unknown, path = "$"): string[] {
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !KEYWORDS.has(keyword)) throw new Error(`json-schema-subset: unsupported keyword '${keyword}' at ${path}`);
  }
  const errors: string[] = [];
  const fail = (reason: string) => errors.push(`${path}: ${reason}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => typeMatches(type, value))) return [`${path}: expected ${types.join(" or ")}, got ${typeOfValue(value)}`];
  }
  if (schema.enum && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) fail(`not one of ${JSON.stringify(schema.enum)}`);
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (schema.anyOf && !schema.anyOf.some((option) => jsonSchemaErrors(option, value, path).length === 0)) fail("matches none of anyOf");
  for (const part of schema.allOf ?? []) errors.push(...jsonSchemaErrors(part, value, path));
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) fail(`does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`less than ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) fail(`more than ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, index) => errors.push(...jsonSchemaErrors(schema.items!, item, `${path}[${index}]`)));
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!Object.hasOwn(record, key)) fail(`missing ${key}`);
    for (const [key, item] of Object.entries(record)) {
      if (schema.propertyNames) errors.push(...jsonSchemaErrors({ type: "string", ...schema.propertyNames }, key, `${path}.${key} (name)`));
      const property = schema.properties?.[key];
      if (property) errors.push(...jsonSchemaErrors(property, item, `${path}.${key}`));
      else if (schema.additionalProperties === false) fail(`unknown property ${key}`);
      else if (typeof schema.additionalProperties === "object") errors.push(...jsonSchemaErrors(schema.additionalProperties, item, `${path}.${key}`));
    }
  }
  return errors;
}
