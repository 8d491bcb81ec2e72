/**
 * The access matrix rows of the DR organization's guardrails (scripts/review/access-matrix/rows/dr-guardrails.ts),
 * evaluated with the SCPs of both organizations: a DR administrator is denied each destructive action by a
 * guardrail SCP; the break-glass role, the DLM role, the lock function and the RDS importer keep their job.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import { accessMatrix, type MatrixRow } from "../../scripts/review/access-matrix";
import { synthesizeToTemp, type SynthesizedApp } from "../../scripts/review/synthesized-stacks";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";

const BREAK_GLASS = "arn:aws:iam::222222222222:role/BreakGlass";
const DR_ADMIN = "arn:aws:iam::222222222222:role/Admin";

/** One region per source account: the guardrails are per DR copy region, and every DR principal × action is still there (179 rows, not 335). */
function everyFlowWithBreakGlass(): SnapshotDrConfig {
  const raw = generateConfig({ sourceAccounts: 2, regionsPerAccount: 1, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  raw.drAccount.breakGlassRoleArn = BREAK_GLASS;
  return parseConfig(raw, "generated: every flow, break-glass role");
}

function exampleWithoutGuardrails(): SnapshotDrConfig {
  const raw = parse(fs.readFileSync(path.join(__dirname, "..", "..", "config", "example.yaml"), "utf8"));
  raw.drAccount.guardrails = { enabled: false };
  return parseConfig(raw, "example without guardrails");
}

const apps: SynthesizedApp[] = [];
let rows: MatrixRow[];
let rowsWithoutGuardrails: MatrixRow[];
let drOrgStack: string;

beforeAll(async () => {
  disableTokenStackTraces(); // as npm run report does: the synthesis then records no stack trace per token
  const config = everyFlowWithBreakGlass();
  drOrgStack = `org-${config.drAccount.organizationId}`;
  const app = synthesizeToTemp(config, "dr-guardrails-matrix");
  apps.push(app);
  rows = await accessMatrix(config, app);
  const off = exampleWithoutGuardrails();
  const offApp = synthesizeToTemp(off, "dr-guardrails-matrix-off");
  apps.push(offApp);
  rowsWithoutGuardrails = await accessMatrix(off, offApp);
}, 300_000);

afterAll(() => apps.forEach((app) => app.cleanup()));

/** The guardrail rows of the administrator (the key policy rows of the flows, "... calls kms:...", name no key alias and are decided by the key policy). */
const byAdmin = (action: string) =>
  rows.filter((row) => row.principal === DR_ADMIN && row.action === action && row.description.includes("(its IAM allows everything)") && !row.description.includes(` calls ${action}`));
const scpDeny = (sid: string) => expect.objectContaining({ kind: "scp", effect: "Deny", sid, stack: drOrgStack, address: expect.stringMatching(/^aws_organizations_policy\./) });

describe("a DR administrator whose IAM allows everything", () => {
  test.each([
    ["ec2:DeleteSnapshot", "DenyEbsSnapshotDeletionExceptDlm"],
    ["ec2:UnlockSnapshot", "DenyDrCopyDestructionExceptBreakGlass"],
    ["ec2:LockSnapshot", "DenyEbsSnapshotLockChangesExceptLockFunction"],
    ["ec2:ModifySnapshotAttribute", "DenyDrCopyDestructionExceptBreakGlass"],
    ["rbin:UnlockRule", "DenyDrCopyDestructionExceptBreakGlass"],
    ["dlm:DeleteLifecyclePolicy", "DenyDlmPolicyChangesExceptDeploy"],
    ["dlm:UpdateLifecyclePolicy", "DenyDlmPolicyChangesExceptDeploy"],
    ["kms:ScheduleKeyDeletion", "DenyDrKeyDestructionExceptBreakGlass"],
    ["kms:DisableKey", "DenyDrKeyDestructionExceptBreakGlass"],
    ["lambda:UpdateFunctionCode", "DenyProjectFunctionChangesExceptDeploy"],
    ["iam:UpdateAssumeRolePolicy", "DenyProjectRoleChangesExceptDeploy"],
    ["iam:PutRolePolicy", "DenyProjectRoleChangesExceptDeploy"],
    ["rds:DeleteDBSnapshot", "DenyRdsSnapshotDeletionExceptImporter"],
    ["rds:ModifyDBSnapshotAttribute", "DenyDrCopyDestructionExceptBreakGlass"],
    ["backup:DeleteBackupVault", "DenyDrCopyDestructionExceptBreakGlass"],
    ["backup:DeleteBackupVaultLockConfiguration", "DenyDrCopyDestructionExceptBreakGlass"],
    ["organizations:LeaveOrganization", "DenyLeaveOrganization"],
    ["cloudwatch:DeleteAlarms", "DenyProjectAlarmChangesExceptDeploy"],
    ["cloudwatch:DisableAlarmActions", "DenyProjectAlarmChangesExceptDeploy"],
    ["sns:DeleteTopic", "DenyProjectAlarmChangesExceptDeploy"],
  ])("is denied %s by the DR guardrail statement %s", (action, sid) => {
    // GIVEN the rows of the administrator for this action WHEN they are read
    const found = byAdmin(action);
    // THEN there is at least one, each explicitly denied by that statement of the DR organization's SCP
    expect(found.length).toBeGreaterThan(0);
    for (const row of found) {
      expect([row.expected, row.decision]).toEqual(["Denied", "ExplicitlyDenied"]);
      expect(row.decidedBy).toEqual(expect.arrayContaining([scpDeny(sid)]));
    }
  });

  test("cannot change the DLM role's trust, in a row of its own", () => {
    // GIVEN the row WHEN read THEN it targets the DLM role's ARN and is a role-takeover misuse
    const row = byAdmin("iam:UpdateAssumeRolePolicy").find((r) => r.resource.endsWith(":role/snapshot-dr-dlm-cross-account-copy"))!;
    expect(row).toEqual(expect.objectContaining({ misuse: "role-takeover", decision: "ExplicitlyDenied" }));
  });
});

describe("the roles that do the job", () => {
  test("the break-glass role may unlock and delete a DR copy and delete a recovery point", () => {
    // GIVEN the break-glass rows WHEN read THEN each is allowed, and the guardrail SCPs it passes are named as not denying
    const breakGlass = rows.filter((row) => row.principal === BREAK_GLASS);
    expect([...new Set(breakGlass.map((row) => row.action))].sort()).toEqual(["backup:DeleteRecoveryPoint", "ec2:DeleteSnapshot", "ec2:UnlockSnapshot"]);
    for (const row of breakGlass) {
      expect([row.expected, row.actual]).toEqual(["Allowed", "Allowed"]);
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "scp", effect: "NoDeny", stack: drOrgStack })]));
    }
  });

  test("the DLM execution role may still delete an expired copy", () => {
    // GIVEN the DLM role's DeleteSnapshot rows WHEN read THEN allowed in every copy region, past DenyEbsSnapshotDeletionExceptDlm
    const dlm = rows.filter((row) => row.principal.endsWith(":role/snapshot-dr-dlm-cross-account-copy") && row.action === "ec2:DeleteSnapshot");
    expect(dlm.length).toBeGreaterThan(0);
    for (const row of dlm) {
      expect(row.actual).toBe("Allowed");
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "scp", effect: "NoDeny", why: expect.stringContaining("DenyEbsSnapshotDeletionExceptDlm") })]));
    }
  });

  test("the lock function may lock a DLM copy, by its own deployed policy", () => {
    // GIVEN the lock role's rows WHEN read THEN allowed by its LockDlmCopies statement of the DR stack
    const lock = rows.filter((row) => row.principal.endsWith(":role/snapshot-dr-snapshot-lock"));
    expect(lock.length).toBeGreaterThan(0);
    for (const row of lock) {
      expect(row.actual).toBe("Allowed");
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "identity", effect: "Allow", sid: "LockDlmCopies", stack: "dr-222222222222" })]));
    }
  });

  test("the RDS importer may delete its expired import copies", () => {
    // GIVEN the importer's delete rows WHEN read THEN allowed by DeleteExpiredOwnCopies
    const importer = rows.filter((row) => row.principal.endsWith(":role/snapshot-dr-rds-snapshot-importer") && row.action === "rds:DeleteDBSnapshot");
    expect(importer.length).toBeGreaterThan(0);
    for (const row of importer) expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ effect: "Allow", sid: "DeleteExpiredOwnCopies" })]));
  });
});

test("with the guardrails switched off there are no guardrail rows", () => {
  // GIVEN the example with drAccount.guardrails.enabled: false WHEN its matrix is built THEN no row is about the guardrails' actions
  expect(rowsWithoutGuardrails.filter((row) => ["ec2:UnlockSnapshot", "dlm:DeleteLifecyclePolicy", "iam:UpdateAssumeRolePolicy"].includes(row.action))).toEqual([]);
  expect(rowsWithoutGuardrails.filter((row) => row.decidedBy.some((s) => s.kind === "scp"))).toEqual([]);
});
