/**
 * The access matrix rows of the DR account's logically air-gapped vault (scripts/review/access-matrix/rows/
 * backup-air-gapped.ts), evaluated with the synthesized vault policies and the SCPs of the organization: the source
 * backup role may copy into it and the copy guardrail lets the copy name it; an unlisted account or another
 * organization may not copy in; a DR administrator may delete neither its recovery points nor its policy, nor share
 * the vault through AWS RAM.
 */
import { parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import { accessMatrix, type MatrixRow } from "../../scripts/review/access-matrix";
import { synthesizeToTemp, type SynthesizedApp } from "../../scripts/review/synthesized-stacks";

function backupWithAirGappedVault(): SnapshotDrConfig {
  const raw = generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, backup: true, rootIds: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw.drAccount.protection = { airGappedVault: { enabled: true } };
  return parseConfig(raw, "generated: AWS Backup with the air-gapped vault");
}

let app: SynthesizedApp;
let config: SnapshotDrConfig;
let rows: MatrixRow[];
let airGapped: MatrixRow[];

beforeAll(async () => {
  config = backupWithAirGappedVault();
  app = synthesizeToTemp(config, "air-gapped-vault-matrix");
  rows = await accessMatrix(config, app);
  airGapped = rows.filter((row) => row.description.includes("air-gapped vault"));
}, 300_000);

afterAll(() => app?.cleanup());

const orgStack = () => `org-${config.drAccount.organizationId}`;
const vaultArn = (region: string) => `arn:aws:backup:${region}:${config.drAccount.id}:backup-vault:${config.namePrefix}-dr-air-gapped`;

test("every air-gapped vault row decides as expected", () => {
  // GIVEN the rows about the air-gapped vault WHEN evaluated THEN there are some, and each decides as expected
  expect(airGapped.length).toBeGreaterThan(0);
  expect(airGapped.filter((row) => !row.asExpected).map((row) => `${row.id} ${row.description}: ${row.actual}`)).toEqual([]);
});

test("the source backup role of every account and region may copy into the air-gapped vault of its DR region", () => {
  // GIVEN the CopyIntoBackupVault calls WHEN read THEN one per account and region, each allowed by the vault's policy
  const calls = airGapped.filter((row) => row.category === "call" && row.action === "backup:CopyIntoBackupVault");
  const expected = config.sourceAccounts.flatMap((account) => account.regions.map((region) => `${account.id} ${region}`)).sort();
  expect(calls.map((row) => `${row.principal.split(":")[4]} ${row.description.split(" from ")[1].split(" ")[0]}`).sort()).toEqual(expected);
  for (const row of calls) {
    expect(row.actual).toBe("Allowed");
    expect(config.drAccount.copyRegions.map(vaultArn)).toContain(row.resource);
    expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "resource", effect: "Allow", sid: "CopyIntoVaultFromAccounts", address: expect.stringMatching(/^aws_backup_vault_policy\./) })]));
  }
});

test("the copy guardrail SCP lets a copy name the DR vault and the air-gapped vault", () => {
  // GIVEN the CopyFromBackupVault calls with both targets WHEN read THEN allowed, the guardrail named as not denying
  const calls = airGapped.filter((row) => row.category === "call" && row.action === "backup:CopyFromBackupVault");
  expect(calls.length).toBe(config.sourceAccounts.reduce((n, account) => n + account.regions.length, 0));
  for (const row of calls) {
    expect(row.actual).toBe("Allowed");
    expect(row.context["backup:CopyTargets"]).toEqual([expect.stringMatching(/:backup-vault:snapshot-dr-dr$/), expect.stringMatching(/:backup-vault:snapshot-dr-dr-air-gapped$/)]);
    expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "scp", effect: "NoDeny", stack: orgStack(), why: expect.stringContaining("DenyCopyToUnlistedVaults") })]));
  }
  // and an air-gapped vault of that name outside the copy regions is refused by the same guardrail
  const wrongRegion = airGapped.find((row) => row.misuse === "wrong-region")!;
  expect([wrongRegion.decision, wrongRegion.decidedBy]).toEqual(["ExplicitlyDenied", expect.arrayContaining([expect.objectContaining({ kind: "scp", effect: "Deny", sid: "DenyCopyToUnlistedVaults" })])]);
});

test("an unlisted account and another organization may not copy into the air-gapped vault", () => {
  // GIVEN those rows WHEN read THEN one of each per copy region, each refused for want of an Allow in the vault's policy
  for (const misuse of ["unlisted-account", "outside-organization"] as const) {
    const found = airGapped.filter((row) => row.misuse === misuse);
    expect(found.map((row) => row.resource).sort()).toEqual(config.drAccount.copyRegions.map(vaultArn).sort());
    for (const row of found) {
      expect(row.decision).toBe("ImplicitlyDenied");
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "resource", effect: "NoAllow", label: expect.stringContaining("air-gapped vault access policy") })]));
    }
  }
});

test.each([
  ["backup:DeleteRecoveryPoint", "DenyDrCopyDestructionExceptBreakGlass"],
  ["backup:DeleteBackupVault", "DenyDrCopyDestructionExceptBreakGlass"],
  ["backup:DeleteBackupVaultAccessPolicy", "DenyDrCopyDestructionExceptBreakGlass"],
  ["backup:PutBackupVaultAccessPolicy", "DenyVaultAndSharingSettingsExceptDeploy"],
])("a DR administrator is denied %s on the air-gapped vault by its policy and by the guardrail %s", (action, sid) => {
  // GIVEN the administrator's rows for this action WHEN read THEN one per copy region, explicitly denied by the vault's Deny and the DR guardrail
  const found = airGapped.filter((row) => row.principal.endsWith(":role/Admin") && row.action === action);
  expect(found).toHaveLength(config.drAccount.copyRegions.length);
  for (const row of found) {
    expect(row.decision).toBe("ExplicitlyDenied");
    expect(row.decidedBy).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "resource", effect: "Deny", sid: "DenyVaultChangesExceptExemptRoles" }),
        expect.objectContaining({ kind: "scp", effect: "Deny", sid, stack: orgStack() }),
      ]),
    );
  }
});

test("a DR administrator may not share the air-gapped vault through AWS RAM", () => {
  // GIVEN the RAM share rows WHEN read THEN one per copy region, explicitly denied by the DR guardrail
  const found = airGapped.filter((row) => row.action === "ram:CreateResourceShare");
  expect(found.map((row) => row.context["ram:ResourceArn"]).sort()).toEqual(config.drAccount.copyRegions.map(vaultArn).sort());
  for (const row of found) {
    expect(row.decision).toBe("ExplicitlyDenied");
    expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "scp", effect: "Deny", sid: "DenyDrCopyDestructionExceptBreakGlass", stack: orgStack() })]));
  }
});
