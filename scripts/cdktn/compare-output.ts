import * as fs from "fs";
import * as path from "path";

/**
 * Compares two synthesized output directories as Terraform sees them: every stack's `cdk.tf.json` with the
 * metadata the library writes for itself (`//` entries: its version, construct paths) left out, and every other
 * file (Lambda packages, assets) byte for byte. Returns the differences, empty when the outputs are the same.
 */
export function compareSynthOutputs(expectedDir: string, actualDir: string): string[] {
  const expected = listFiles(expectedDir);
  const actual = listFiles(actualDir);
  const differences: string[] = [];
  for (const file of expected) if (!actual.includes(file)) differences.push(`${file}: missing`);
  for (const file of actual) if (!expected.includes(file)) differences.push(`${file}: not expected`);
  for (const file of expected.filter((name) => actual.includes(name))) {
    const a = fs.readFileSync(path.join(expectedDir, file));
    const b = fs.readFileSync(path.join(actualDir, file));
    if (path.basename(file) === "cdk.tf.json") {
      const left = JSON.stringify(withoutMetadata(JSON.parse(a.toString("utf8"))));
      const right = JSON.stringify(withoutMetadata(JSON.parse(b.toString("utf8"))));
      if (left !== right) differences.push(`${file}: ${firstDifference(left, right)}`);
    } else if (!isLibraryMetadataFile(file) && !a.equals(b)) {
      differences.push(`${file}: contents differ`);
    }
  }
  return differences;
}

/** The synthesized JSON without the library's own `//` metadata entries, at any depth. */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => key !== "//")
        .map(([key, inner]) => [key, withoutMetadata(inner)]),
    );
  }
  return value;
}

// manifest.json and each stack's metadata.json describe the library's run (its version, annotations), not Terraform's input.
const isLibraryMetadataFile = (file: string) => ["manifest.json", "metadata.json"].includes(path.basename(file));

function listFiles(root: string, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, prefix), { withFileTypes: true })) {
    const name = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(root, name));
    else files.push(name);
  }
  return files.sort();
}

function firstDifference(left: string, right: string): string {
  let at = 0;
  while (at < left.length && left[at] === right[at]) at += 1;
  const excerpt = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 60), at + 60));
  return `differs at character ${at}: expected …${excerpt(left)}… got …${excerpt(right)}…`;
}
