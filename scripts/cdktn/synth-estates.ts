import * as fs from "fs";
import * as path from "path";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";
import { loadConfig, parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { loadIamCatalog } from "../../modules/policy-lint/lint-policies";
import { synthesize } from "../../stacks/synthesize";
import { generateConfig } from "../generate-config";

/**
 * The estates `npm run check:cdktn` synthesizes with each toolchain: the bundled example, and generated estates
 * that switch on every flow (mixed EBS modes and RDS across organizations; AWS Backup, RDS and sharing in one).
 */
export const CHECK_ESTATES: Readonly<Record<string, () => SnapshotDrConfig>> = {
  example: () => loadConfig(path.resolve(__dirname, "..", "..", "config", "example.yaml")),
  "cross-organization": () => parseConfig(generateConfig({ sourceAccounts: 60, sourceOrganizations: 2, ebsMode: "mixed", rds: true })),
  "one-organization": () =>
    parseConfig(generateConfig({ sourceAccounts: 12, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true })),
};

/** `node -r ./scripts/register-ts.js scripts/cdktn/synth-estates.ts <outdir>`: each estate into <outdir>/<estate>. */
async function main(outdir: string): Promise<void> {
  disableTokenStackTraces();
  const policyCatalog = await loadIamCatalog();
  fs.mkdirSync(outdir, { recursive: true });
  for (const [name, estate] of Object.entries(CHECK_ESTATES)) synthesize(estate(), path.join(outdir, name), { policyCatalog });
}

if (require.main === module) {
  main(path.resolve(process.argv[2] ?? "cdktn-check.out")).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
