import * as path from "path";

/**
 * The CDK for Terraform library the project runs on. cdktf 0.21 with @cdktf/provider-aws is the pinned toolchain;
 * CDK Terrain (cdktn), its maintained fork, runs the same code once import specifiers name its packages
 * (`npm run check:cdktn` proves it in a throw-away copy). Apart from import statements, this file is the one place
 * in the sources that names either package: everything else asks it.
 */
export interface CdkToolchain {
  /** The construct library: `cdktf` or `cdktn`. */
  readonly library: "cdktf" | "cdktn";
  /** The prebuilt AWS provider bindings of that library. */
  readonly awsBindings: string;
  /** The command line package and its executable. */
  readonly cliPackage: string;
  readonly cliExecutable: string;
  /**
   * The environment variable that stops the library recording a stack trace for every token it creates
   * (cdktn 0.24's `captureCreationStack`); cdktf 0.21 has none, so its private recorder is replaced instead.
   */
  readonly creationStackSwitch?: string;
}

export const CDKTF: CdkToolchain = { library: "cdktf", awsBindings: "@cdktf/provider-aws", cliPackage: "cdktf-cli", cliExecutable: "cdktf" };
export const CDKTN: CdkToolchain = {
  library: "cdktn",
  awsBindings: "@cdktn/provider-aws",
  cliPackage: "cdktn-cli",
  cliExecutable: "cdktn",
  creationStackSwitch: "CDKTN_DISABLE_CREATION_STACK",
};

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

function resolvable(request: string): boolean {
  try {
    require.resolve(request, { paths: [PROJECT_ROOT] });
    return true;
  } catch {
    return false;
  }
}

let installed: CdkToolchain | undefined;

/** The toolchain installed beside the project (cdktf first: it is the pinned one). */
export function installedToolchain(): CdkToolchain {
  installed ??= [CDKTF, CDKTN].find((toolchain) => resolvable(`${toolchain.library}/package.json`));
  if (!installed) throw new Error("Neither cdktf nor cdktn is installed: run npm ci");
  return installed;
}

/** The installed version of a package of the toolchain (`library`, `awsBindings` or `cliPackage`). */
export function installedVersion(packageName: string): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(require.resolve(`${packageName}/package.json`, { paths: [PROJECT_ROOT] })) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * Stops the library recording a full stack trace for every token it creates (each attribute reference and each
 * nested block of a resource: about 180 per source account), kept only to improve the message of a token that
 * fails to resolve. At 1,000 accounts that is 40% of the synthesis time and a third of its memory (2.4× the memory
 * on cdktn). SNAPSHOT_DR_TOKEN_STACK_TRACES=1 keeps the recording for debugging. Returns whether it is now off.
 */
export function disableTokenStackTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SNAPSHOT_DR_TOKEN_STACK_TRACES === "1") return false;
  const toolchain = installedToolchain();
  if (toolchain.creationStackSwitch) {
    env[toolchain.creationStackSwitch] = "1";
    return true;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const recorder = require(require.resolve(`${toolchain.library}/lib/tokens/private/stack-trace`, { paths: [PROJECT_ROOT] })) as {
      captureStackTrace?: unknown;
    };
    if (typeof recorder.captureStackTrace !== "function") return false;
    recorder.captureStackTrace = () => [];
    return true;
  } catch {
    return false;
  }
}
