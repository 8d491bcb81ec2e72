import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * Where terraform and the AWS provider mirror are, and whether both are usable offline: what a harness needs
 * before it runs anything, and what a test reports when it cannot.
 */

export const DEFAULT_PROVIDER_MIRROR = "/opt/tf-plugins";
/** The provider the mirror must hold (and the only one installed from it). */
export const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";
/** Stacks run at a time unless told otherwise (`OFFLINE_TERRAFORM_PARALLELISM` or the option). */


/** Whether terraform and the provider mirror are there, and if not, why not. */
export interface OfflineTerraformAvailability {
  readonly available: boolean;
  /** The terraform binary found (TERRAFORM_BINARY, else PATH). */
  readonly terraformBinary?: string;
  /** e.g. "1.11.4" */
  readonly terraformVersion?: string;
  /** The mirror directory looked at (TF_PROVIDER_MIRROR, else {@link DEFAULT_PROVIDER_MIRROR}). */
  readonly providerMirror: string;
  /** hashicorp/aws versions the mirror holds for this platform. */
  readonly mirrorAwsVersions: readonly string[];
  /** This machine's Terraform platform, e.g. linux_amd64. */
  readonly platform: string;
  /** Why it is not available (empty when it is). */
  readonly reasons: readonly string[];
  /** One line for humans. */
  readonly summary: string;
}

/** Where to look; each defaults to the environment. */
export interface LocateOptions {
  /** A terraform binary (path, or a name to look up on PATH). Default: env TERRAFORM_BINARY, else `terraform` on PATH. */
  readonly terraformBinary?: string;
  /** Default: env TF_PROVIDER_MIRROR, else {@link DEFAULT_PROVIDER_MIRROR}. */
  readonly providerMirror?: string;
  /** Default: process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Terraform's name for this machine's platform (linux_amd64, darwin_arm64, ...). */
export function terraformPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const osName = platform === "win32" ? "windows" : platform;
  const archName = ({ x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" } as Record<string, string>)[arch] ?? arch;
  return `${osName}_${archName}`;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The terraform binary to use: `TERRAFORM_BINARY` (a path, or a name looked up on PATH) if set, else
 * `terraform` on PATH. `undefined` if there is none.
 */
export function findTerraformBinary(options: LocateOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const wanted = options.terraformBinary ?? (env.TERRAFORM_BINARY || "terraform");
  if (wanted.includes("/") || wanted.includes(path.sep)) {
    const resolved = path.resolve(wanted);
    return isExecutableFile(resolved) ? resolved : undefined;
  }
  const extensions = process.platform === "win32" ? (env.PATHEXT ?? ".EXE").split(";") : [""];
  for (const directory of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = path.join(directory, wanted + extension);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The provider mirror directory to use: the option, else `TF_PROVIDER_MIRROR`, else {@link DEFAULT_PROVIDER_MIRROR}. */
export function providerMirrorPath(options: LocateOptions = {}): string {
  const env = options.env ?? process.env;
  return path.resolve(options.providerMirror ?? (env.TF_PROVIDER_MIRROR || DEFAULT_PROVIDER_MIRROR));
}

/**
 * hashicorp/aws versions a filesystem mirror holds for a platform, in either layout Terraform reads:
 * unpacked (`<host>/<ns>/<type>/<version>/<platform>/terraform-provider-aws*`) or packed
 * (`<host>/<ns>/<type>/terraform-provider-aws_<version>_<platform>.zip`).
 */
export function mirrorProviderVersions(mirror: string, platform: string = terraformPlatform()): string[] {
  const providerDir = path.join(mirror, ...AWS_PROVIDER_ADDRESS.split("/"));
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(providerDir, { withFileTypes: true });
  } catch {
    return [];
  }
  const versions = new Set<string>();
  for (const entry of entries) {
    if (entry.isDirectory()) {
      const platformDir = path.join(providerDir, entry.name, platform);
      try {
        if (fs.readdirSync(platformDir).some((file) => file.startsWith("terraform-provider-aws"))) versions.add(entry.name);
      } catch {
        // no build for this platform
      }
    } else {
      const packed = /^terraform-provider-aws_(.+)_([a-z0-9]+_[a-z0-9]+)\.zip$/.exec(entry.name);
      if (packed && packed[2] === platform) versions.add(packed[1]);
    }
  }
  return [...versions].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/** Whether terraform and the provider mirror are both there (and why not). Synchronous: usable at test-file load. */
export function offlineTerraformAvailability(options: LocateOptions = {}): OfflineTerraformAvailability {
  const env = options.env ?? process.env;
  const reasons: string[] = [];
  const platform = terraformPlatform();
  const terraformBinary = findTerraformBinary(options);
  let terraformVersion: string | undefined;
  if (!terraformBinary) {
    const wanted = options.terraformBinary ?? env.TERRAFORM_BINARY;
    reasons.push(wanted ? `terraform binary ${wanted} (TERRAFORM_BINARY) not found or not executable` : "terraform not found on PATH (set TERRAFORM_BINARY)");
  } else {
    try {
      const output = execFileSync(terraformBinary, ["version", "-json"], {
        encoding: "utf8",
        timeout: 30_000,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" },
      });
      terraformVersion = (JSON.parse(output) as { terraform_version?: string }).terraform_version;
    } catch (error) {
      reasons.push(`${terraformBinary} version -json failed: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  const providerMirror = providerMirrorPath(options);
  const mirrorAwsVersions = mirrorProviderVersions(providerMirror, platform);
  if (!fs.existsSync(providerMirror)) {
    reasons.push(`provider mirror ${providerMirror} does not exist (set TF_PROVIDER_MIRROR)`);
  } else if (mirrorAwsVersions.length === 0) {
    reasons.push(`provider mirror ${providerMirror} holds no ${AWS_PROVIDER_ADDRESS} build for ${platform}`);
  }
  const available = reasons.length === 0;
  const summary = available
    ? `terraform ${terraformVersion ?? "?"} (${terraformBinary}) with ${AWS_PROVIDER_ADDRESS} ${mirrorAwsVersions.join(", ")} from ${providerMirror}`
    : `offline terraform unavailable: ${reasons.join("; ")}`;
  return { available, terraformBinary, terraformVersion, providerMirror, mirrorAwsVersions, platform, reasons, summary };
}

/** Thrown when a harness is asked for while terraform or the mirror is missing. */
export class OfflineTerraformUnavailableError extends Error {
  constructor(readonly availability: OfflineTerraformAvailability) {
    super(availability.summary);
    this.name = "OfflineTerraformUnavailableError";
  }
}

/** The CLI configuration: hashicorp/aws from the filesystem mirror only, and a shared plugin cache. */
export function cliConfiguration(providerMirror: string, pluginCacheDir: string): string {
  return [
    `plugin_cache_dir   = ${JSON.stringify(pluginCacheDir)}`,
    `disable_checkpoint = true`,
    ``,
    `provider_installation {`,
    `  filesystem_mirror {`,
    `    path    = ${JSON.stringify(providerMirror)}`,
    `    include = [${JSON.stringify(AWS_PROVIDER_ADDRESS)}]`,
    `  }`,
    `}`,
    ``,
  ].join("\n");
}
