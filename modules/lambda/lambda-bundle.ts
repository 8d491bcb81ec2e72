import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { createHash } from "crypto";
import { buildSync } from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deterministicZip, ZipEntry } from "./deterministic-zip";

/** A Lambda deployment package built at synth time. */
export interface LambdaBundle {
  /** The zip on disk, for a `TerraformAsset` of type FILE. */
  readonly zipPath: string;
  /** base64 SHA-256 of the zip: the function's `source_code_hash`. */
  readonly sourceCodeHash: string;
  readonly sizeBytes: number;
}

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
const bundles = new Map<string, LambdaBundle>();

/**
 * Bundles a TypeScript handler into `index.js` (CommonJS, Node.js 22, AWS SDK v3 left to the runtime)
 * and zips it deterministically. Built once per process however many stacks use it.
 */
export function lambdaBundle(entryFromProjectRoot: string, extraFiles: readonly ZipEntry[] = []): LambdaBundle {
  const cacheKey = `${entryFromProjectRoot}\n${extraFilesHash(extraFiles)}`;
  const cached = bundles.get(cacheKey);
  if (cached) return cached;

  const result = buildSync({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entryFromProjectRoot],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    external: ["@aws-sdk/*"],
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const zip = deterministicZip([{ name: "index.js", data: Buffer.from(result.outputFiles[0].contents) }, ...extraFiles]);
  const hash = createHash("sha256").update(zip).digest();
  const directory = path.join(os.tmpdir(), "snapshot-dr-lambda");
  fs.mkdirSync(directory, { recursive: true });
  const zipPath = path.join(directory, `${hash.toString("hex").slice(0, 32)}.zip`);
  if (!fs.existsSync(zipPath)) {
    const partial = `${zipPath}.${process.pid}.tmp`;
    fs.writeFileSync(partial, zip);
    fs.renameSync(partial, zipPath);
  }
  const bundle = { zipPath, sourceCodeHash: hash.toString("base64"), sizeBytes: zip.length };
  bundles.set(cacheKey, bundle);
  return bundle;
}

function extraFilesHash(extraFiles: readonly ZipEntry[]): string {
  const hash = createHash("sha256");
  for (const file of extraFiles) hash.update(file.name).update("\0").update(file.data).update("\0");
  return extraFiles.length === 0 ? "" : hash.digest("hex").slice(0, 12);
}

/**
 * The bundle as a stack's asset: one copy per stack, however many regions' functions use it. Extra files
 * (settings too large for environment variables, whose total Lambda limits to 4 KB) make a package of their own.
 */
export function lambdaCodeAsset(
  scope: IConstruct,
  entryFromProjectRoot: string,
  extraFiles: readonly ZipEntry[] = [],
): { asset: TerraformAsset; bundle: LambdaBundle } {
  const bundle = lambdaBundle(entryFromProjectRoot, extraFiles);
  const stack = TerraformStack.of(scope);
  const extras = extraFilesHash(extraFiles);
  const id = `lambda-code-${path.basename(path.dirname(entryFromProjectRoot))}${extras ? `-${extras}` : ""}`;
  const asset =
    (stack.node.tryFindChild(id) as TerraformAsset | undefined) ??
    new TerraformAsset(stack, id, { path: bundle.zipPath, type: AssetType.FILE });
  return { asset, bundle };
}
