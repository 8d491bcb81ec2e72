import { AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { IConstruct } from "constructs";
import { createHash } from "crypto";
import { buildSync } from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deterministicZip } from "./deterministic-zip";

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
export function lambdaBundle(entryFromProjectRoot: string): LambdaBundle {
  const cached = bundles.get(entryFromProjectRoot);
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
  const zip = deterministicZip([{ name: "index.js", data: Buffer.from(result.outputFiles[0].contents) }]);
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
  bundles.set(entryFromProjectRoot, bundle);
  return bundle;
}

/** The bundle as a stack's asset: one copy per stack, however many regions' functions use it. */
export function lambdaCodeAsset(scope: IConstruct, entryFromProjectRoot: string): { asset: TerraformAsset; bundle: LambdaBundle } {
  const bundle = lambdaBundle(entryFromProjectRoot);
  const stack = TerraformStack.of(scope);
  const id = `lambda-code-${path.basename(path.dirname(entryFromProjectRoot))}`;
  const asset =
    (stack.node.tryFindChild(id) as TerraformAsset | undefined) ??
    new TerraformAsset(stack, id, { path: bundle.zipPath, type: AssetType.FILE });
  return { asset, bundle };
}
