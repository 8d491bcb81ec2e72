/**
 * The access matrix (scripts/review/access-matrix.ts) of the example and of generated configurations: every
 * row's actual decision equals the expected one, every flow the configuration switches on has its calls and
 * its misuses, and no flow it does not switch on has rows.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadConfig, parseConfig, type SnapshotDrConfig } from "../../modules/config/load-config";
import { generateConfig } from "../../scripts/generate-config";
import { accessMatrix, FLOWS, type Flow, type MatrixRow, type MisuseKind } from "../../scripts/review/access-matrix";
import { type SynthesizedApp, synthesizeToTemp } from "../../scripts/review/synthesized-stacks";
import { disableTokenStackTraces } from "../../modules/cdk/toolchain";

const EXAMPLE_FILE = path.join(__dirname, "..", "..", "config", "example.yaml");

function lockedDownExample(): SnapshotDrConfig {
  const raw = parse(fs.readFileSync(EXAMPLE_FILE, "utf8"));
  raw.drAccount.kmsB = { lockDown: true };
  return parseConfig(raw, "example with kmsB.lockDown");
}

const LISTED_OU = "o-0000000001src/r-ab12/ou-ab12-11111111/";
const BREAK_GLASS = "arn:aws:iam::222222222222:role/BreakGlass";

function backupToListedOus(): SnapshotDrConfig {
  const raw = generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sameOrganization: true, backup: true });
  return parseConfig(
    { ...raw, backup: { enabled: true, copySources: { type: "organizationalUnits", orgPaths: [LISTED_OU] }, breakGlassRoleArn: BREAK_GLASS } },
    "generated: backup to listed OUs with a break-glass role",
  );
}

interface Case {
  readonly name: string;
  readonly config: SnapshotDrConfig;
  /** The flows the configuration switches on, written out here (not computed by the code under test). */
  readonly flows: readonly Flow[];
}

const CASES: readonly Case[] = [
  { name: "the example", config: loadConfig(EXAMPLE_FILE), flows: ["reencrypt"] },
  {
    name: "cross-organization, mixed EBS modes, RDS",
    // One account per source organization: the first re-encrypts, the second shares (a third and fourth would repeat them).
    config: parseConfig(generateConfig({ sourceAccounts: 2, regionsPerAccount: 2, sourceOrganizations: 2, ebsMode: "mixed", rds: true }), "generated"),
    flows: ["reencrypt", "share", "rds"],
  },
  {
    name: "same organization, every flow",
    config: parseConfig(generateConfig({ sourceAccounts: 3, sameOrganization: true, ebsMode: "mixed", backup: true, rds: true }), "generated"),
    flows: ["reencrypt", "share", "backup", "rds"],
  },
  { name: "the example with KMS-B locked down", config: lockedDownExample(), flows: ["reencrypt"] },
  { name: "AWS Backup to listed OUs, with a break-glass role", config: backupToListedOus(), flows: ["reencrypt", "backup"] },
];

/** The misuses every flow must be shown to deny (the issue's list, where it applies to the flow). */
const REQUIRED_MISUSES: Readonly<Record<Flow, readonly MisuseKind[]>> = {
  reencrypt: ["outside-organization", "other-principal", "wrong-region", "without-service", "key-deletion", "policy-change"],
  share: ["outside-organization", "unneeded-action", "wrong-region", "without-service", "key-deletion", "policy-change"],
  backup: [
    "outside-organization",
    "unlisted-account",
    "wrong-region",
    "without-service",
    "key-deletion",
    "policy-change",
    "delete-copies",
    "vault-settings-change",
    "leave-organization",
    "unlisted-vault",
  ],
  rds: ["outside-organization", "wrong-region", "without-service", "key-deletion", "policy-change"],
};

/**
 * FINDINGS: rows whose actual decision differs from the expected one because of the synthesized policies (the
 * matrix is right, the policy is not). Each is pinned: a configuration's differing rows must be exactly the rows
 * a finding selects, so any other difference fails, and so does a fixed policy (then remove the entry).
 */
const KNOWN_FINDINGS: readonly { readonly name: string; readonly matches: (row: MatrixRow) => boolean }[] = [];

const describeRow = (row: MatrixRow) =>
  `${row.id} ${row.description}: ${row.principal} → ${row.action} on ${row.resource}: expected ${row.expected}, got ${row.decision} ` +
  `(${row.decidedBy.map((s) => `${s.effect} ${s.kind} ${s.stack ?? ""} ${s.address ?? s.label} ${s.sid ?? s.why ?? ""}`).join("; ")})`;

const regionOf = (arn: string) => arn.split(":")[3];
const accountOf = (arn: string) => arn.split(":")[4];

const apps = new Map<string, SynthesizedApp>();
const matrices = new Map<string, MatrixRow[]>();

beforeAll(async () => {
  disableTokenStackTraces(); // as npm run report does: the synthesis then records no stack trace per token
  for (const c of CASES) {
    const app = synthesizeToTemp(c.config, "access-matrix");
    apps.set(c.name, app);
    matrices.set(c.name, await accessMatrix(c.config, app));
  }
});

afterAll(() => {
  for (const app of apps.values()) app.cleanup();
});

describe.each(CASES)("$name", ({ name, config, flows }) => {
  const rowsOf = () => matrices.get(name)!;

  test("has rows for every flow the configuration switches on and none for the others", () => {
    // GIVEN the configuration's flows
    const rows = rowsOf();
    // WHEN the matrix's rows are grouped by flow
    // THEN each flow that is on has rows, in FLOWS order, and a flow that is off has none
    expect(FLOWS.filter((flow) => rows.some((row) => row.flow === flow))).toEqual(FLOWS.filter((flow) => flows.includes(flow)));
    for (const flow of FLOWS.filter((f) => !flows.includes(f))) expect(rows.filter((row) => row.flow === flow)).toEqual([]);
  });

  test("every flow present has calls that must be allowed and the misuses that must be denied", () => {
    // GIVEN the matrix
    const rows = rowsOf();
    for (const flow of flows) {
      // WHEN the rows of a flow are read
      const ofFlow = rows.filter((row) => row.flow === flow);
      // THEN it has calls, it has misuses, every misuse is expected Denied, and every kind of misuse the flow can suffer is there
      expect(ofFlow.filter((row) => row.category === "call").length).toBeGreaterThan(0);
      const misuses = ofFlow.filter((row) => row.category === "misuse");
      expect(misuses.every((row) => row.expected === "Denied")).toBe(true);
      expect([...new Set(misuses.map((row) => row.misuse))]).toEqual(expect.arrayContaining([...REQUIRED_MISUSES[flow]]));
    }
  });

  test("the calls cover every source account × region of each flow", () => {
    // GIVEN the calls of the matrix, by (account, region) of their principal or resource
    const rows = rowsOf();
    const covered = (flow: Flow) =>
      new Set(
        rows
          .filter((row) => row.flow === flow && row.category === "call")
          .flatMap((row) => [`${accountOf(row.principal)}/${regionOf(row.resource)}`, `${row.resourceAccount}/${regionOf(row.resource)}`]),
      );
    // WHEN each flow's source accounts and regions are listed from the configuration
    const modeOf = (account: SnapshotDrConfig["sourceAccounts"][number]) => account.ebs.mode ?? config.ebs.mode;
    const accountsOf: Record<Flow, SnapshotDrConfig["sourceAccounts"]> = {
      reencrypt: config.sourceAccounts.filter((a) => modeOf(a) === "reencrypt"),
      share: config.sourceAccounts.filter((a) => modeOf(a) === "share"),
      backup: config.sourceAccounts.filter((a) => a.backup.enabled ?? config.backup.enabled),
      rds: config.rds.enabled ? config.sourceAccounts : [],
    };
    // THEN every pair has a call of its flow
    for (const flow of flows) {
      const pairs = accountsOf[flow].flatMap((account) => account.regions.map((region) => `${account.id}/${region}`));
      expect(pairs.length).toBeGreaterThan(0);
      expect([...covered(flow)]).toEqual(expect.arrayContaining(pairs));
    }
  });

  test("every row names what decided it, and every allowed call is decided by a deployed policy", () => {
    // GIVEN the matrix
    for (const row of rowsOf()) {
      // WHEN a row's deciding statements are read
      // THEN there is at least one; each deployed one names its stack and resource address, anything else says what it stands for
      expect(row.decidedBy.length).toBeGreaterThan(0);
      for (const statement of row.decidedBy) {
        if (statement.stack) expect(statement.address).toMatch(/^aws_[a-z0-9_]+\.[A-Za-z0-9_-]+$/);
        else expect(statement.label).toMatch(/^(stand-in: |no )/);
        if (statement.effect === "Allow" || statement.effect === "Deny") expect(statement.sid).toBeTruthy();
      }
      // AND a call that is allowed rests on at least one statement of the synthesized stacks
      if (row.actual === "Allowed" && row.category === "call") expect(row.decidedBy.some((s) => s.stack !== undefined)).toBe(true);
    }
  });

  test("every row's actual decision equals the expected one (except the pinned findings)", () => {
    // GIVEN the matrix and the pinned findings
    const rows = rowsOf();
    const findingRows = rows.filter((row) => KNOWN_FINDINGS.some((finding) => finding.matches(row)));
    // WHEN the rows whose actual decision differs from the expected one are listed
    const differing = rows.filter((row) => !row.asExpected);
    // THEN they are exactly the rows of the pinned findings: nothing else differs, and no finding was fixed unnoticed
    expect(differing.map(describeRow)).toEqual(findingRows.map(describeRow));
  });
});

describe("the example", () => {
  test("is as expected in every row, with no finding", () => {
    // GIVEN the example (re-encryption only)
    const rows = matrices.get("the example")!;
    // WHEN the rows are checked
    // THEN every one is as expected: 3 account-regions × (6 KMS calls + CopySnapshot + share) + 4 DLM rows on KMS-B + 4 on KMS-C
    //      = 32 calls; per KMS-B region 9 misuses (× 2), 5 copier misuses and 6 on KMS-C (2 outside the DR account, 2 not through EC2, 2 on another DR key) = 29 misuses;
    //      and the DR guardrails: 2 copy regions × (DLM delete + lock) = 4 calls, 2 × 11 + 3 role + 1 leave + 2 × 3 on KMS-B = 32 misuses;
    //      and the freshness check: 2 source regions × 1 DLM listing = 2 calls, 2 × 1 DLM policy change + 2 copy regions × 1 copy deletion = 4 misuses
    expect(rows.filter((row) => !row.asExpected).map(describeRow)).toEqual([]);
    expect(rows.filter((row) => row.category === "call")).toHaveLength(38);
    expect(rows.filter((row) => row.category === "misuse")).toHaveLength(83);
  });

  test("the freshness check lists the DLM policies of every source region, and may neither change them nor delete a copy", () => {
    // GIVEN the example's rows of the freshness check's role
    const rows = matrices.get("the example")!.filter((row) => row.principal.endsWith(":role/snapshot-dr-freshness-check"));
    // WHEN they are read THEN the listing is allowed by its own statement, and every change is refused (here also by the guardrail SCPs)
    expect(rows.map((row) => `${row.action} ${row.resourceLabel}: ${row.actual}`).sort()).toEqual([
      "dlm:GetLifecyclePolicies DLM policies eu-west-1 (222222222222): Allowed",
      "dlm:GetLifecyclePolicies DLM policies us-east-1 (222222222222): Allowed",
      "dlm:UpdateLifecyclePolicy DLM policy eu-west-1 (222222222222): Denied",
      "dlm:UpdateLifecyclePolicy DLM policy us-east-1 (222222222222): Denied",
      "ec2:DeleteSnapshot DR copy us-east-1 (222222222222): Denied",
      "ec2:DeleteSnapshot DR copy us-west-2 (222222222222): Denied",
    ]);
    for (const row of rows.filter((r) => r.actual === "Allowed")) expect(row.decidedBy.map((s) => s.sid)).toEqual(["FindDrCopyEventPolicies"]);
  });

  test("a workload role of the source organization can neither use KMS-B nor make EC2 create grants on it", () => {
    // GIVEN the example's rows for another role of a source account
    const rows = matrices.get("the example")!.filter((row) => row.misuse === "other-principal");
    // WHEN they are read THEN there are two per KMS-B region (decrypt, grant), each refused by KMS-B's policy, not by the caller's IAM
    expect(rows.map((row) => `${row.action} ${row.resourceLabel}`).sort()).toEqual([
      "kms:CreateGrant KMS-B eu-west-1 (222222222222)",
      "kms:CreateGrant KMS-B us-east-1 (222222222222)",
      "kms:Decrypt KMS-B eu-west-1 (222222222222)",
      "kms:Decrypt KMS-B us-east-1 (222222222222)",
    ]);
    for (const row of rows) {
      expect(row.context).toEqual(expect.objectContaining({ "aws:PrincipalOrgID": "o-aaaaaaaaaa", "kms:ViaService": expect.stringMatching(/^ec2\./) }));
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "resource", effect: "NoAllow", stack: "dr-222222222222" })]));
    }
  });

  test("a cross-account call is decided by both the copier's identity policy and KMS-B's key policy", () => {
    // GIVEN the example's first call: the copier of 111111111111 decrypting with KMS-B eu-west-1 through EC2
    const row = matrices.get("the example")!.find((r) => r.action === "kms:Decrypt" && r.category === "call")!;
    // WHEN its deciding statements are read
    // THEN they are the copier's UseKeysThroughEc2 (source stack) and KMS-B's SourceOrganizationsCopySnapshotsThroughEc2 (DR stack)
    expect(row.decidedBy.map((s) => [s.effect, s.kind, s.stack, s.sid])).toEqual([
      ["Allow", "identity", "source-111111111111", "UseKeysThroughEc2"],
      ["Allow", "resource", "dr-222222222222", "SourceOrganizationsCopySnapshotsThroughEc2"],
    ]);
    expect(row.decidedBy[1].address).toBe("aws_kms_key.kms_b_eu_west_1");
    expect(row.context).toEqual(
      expect.objectContaining({ "aws:PrincipalOrgID": "o-aaaaaaaaaa", "kms:ViaService": "ec2.eu-west-1.amazonaws.com" }),
    );
  });
});

describe("expectations follow the configuration", () => {
  test("with KMS-B locked down, the copiers' calls on KMS-B are expected and found Denied by the key policy", () => {
    // GIVEN the example with drAccount.kmsB.lockDown: true
    const rows = matrices.get("the example with KMS-B locked down")!.filter((row) => row.category === "call" && /^KMS-B /.test(row.resourceLabel));
    const copierRows = rows.filter((row) => row.principal.endsWith(":role/snapshot-dr-snapshot-copier"));
    // WHEN the copiers' KMS-B rows are read
    // THEN all 18 are expected Denied, are Denied, and KMS-B's policy has no Allow for them
    expect(copierRows).toHaveLength(18);
    for (const row of copierRows) {
      expect([row.expected, row.actual]).toEqual(["Denied", "Denied"]);
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "resource", effect: "NoAllow", stack: "dr-222222222222" })]));
    }
    // AND the DR account's own DLM role still copies from KMS-B
    expect(rows.filter((row) => !copierRows.includes(row)).every((row) => row.actual === "Allowed")).toBe(true);
  });

  test("with listed OUs and a break-glass role, the OU and the vault's Deny are in the matrix", () => {
    // GIVEN AWS Backup open to one OU, with a break-glass role
    const rows = matrices.get("AWS Backup to listed OUs, with a break-glass role")!;
    // WHEN the backup rows are read
    const unlistedOu = rows.filter((row) => row.description.includes("outside the listed OUs"));
    const notExempt = rows.filter((row) => row.description.includes("other than the deploy and break-glass roles"));
    // THEN a principal of another OU of the organization is denied by the vault policy in every copy region
    expect(unlistedOu).toHaveLength(2);
    for (const row of unlistedOu) expect(row.decidedBy[0]).toEqual(expect.objectContaining({ kind: "resource", effect: "NoAllow" }));
    // AND in each copy region a DR administrator is explicitly denied deleting recovery points, changing the vault
    //     policy, loosening or removing the lock, redirecting or silencing the notifications
    expect(notExempt.map((row) => row.action).sort()).toEqual(
      [
        "backup:DeleteBackupVaultLockConfiguration",
        "backup:DeleteBackupVaultNotifications",
        "backup:DeleteRecoveryPoint",
        "backup:PutBackupVaultAccessPolicy",
        "backup:PutBackupVaultLockConfiguration",
        "backup:PutBackupVaultNotifications",
      ].flatMap((action) => [action, action]),
    );
    for (const row of notExempt) {
      expect(row.decision).toBe("ExplicitlyDenied");
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "resource", effect: "Deny", sid: "DenyVaultChangesExceptExemptRoles" })]));
    }
    // AND the allowed copies carry an OU path of the listed OU
    const copies = rows.filter((row) => row.action === "backup:CopyIntoBackupVault" && row.category === "call");
    expect(copies.length).toBeGreaterThan(0);
    for (const row of copies) expect(row.context["aws:PrincipalOrgPaths"]).toEqual([LISTED_OU]);
  });

  test("by default an unlisted account of the organization may not copy into the DR vault, and the vault's Deny stands without a break-glass role", () => {
    // GIVEN the same-organization configuration with every flow: default copy sources, no break-glass role
    const rows = matrices.get("same organization, every flow")!.filter((row) => row.flow === "backup");
    // WHEN the rows of the unlisted account and of the vault's settings are read
    const unlisted = rows.filter((row) => row.misuse === "unlisted-account");
    const settings = rows.filter((row) => row.misuse === "vault-settings-change");
    // THEN the unlisted account is refused by the vault policy in each copy region, though it is in the organization
    expect(unlisted.length).toBeGreaterThan(0);
    for (const row of unlisted) {
      expect(row.context["aws:PrincipalOrgID"]).toBe("o-0000000001src");
      expect([row.actual, row.decidedBy[0].kind, row.decidedBy[0].effect]).toEqual(["Denied", "resource", "NoAllow"]);
    }
    // AND the lock and notification changes are explicitly denied by the vault's Deny
    expect(settings.length).toBeGreaterThan(0);
    // (and, where the DR organization's guardrails are deployed, by their SCP too)
    for (const row of settings) {
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "resource", effect: "Deny", sid: "DenyVaultChangesExceptExemptRoles" })]));
      expect(row.decidedBy.every((statement) => statement.effect === "Deny")).toBe(true);
    }
  });

  test("the guardrail SCPs of the org stack decide the copy and leave rows", () => {
    // GIVEN the same-organization configuration with every flow, whose org stack attaches the guardrails
    const rows = matrices.get("same organization, every flow")!;
    // WHEN the rows the SCPs decide are read
    const unlisted = rows.filter((row) => row.misuse === "unlisted-vault");
    const leave = rows.filter((row) => row.misuse === "leave-organization");
    // THEN each is explicitly denied by a Deny of the org stack's SCP, named by stack, address and Sid
    expect(unlisted).toHaveLength(3 * 3);
    expect(leave).toHaveLength(2); // the backup flow's row and the DR guardrails' row, both denied by the DR guardrail SCP
    for (const row of [...unlisted, ...leave]) {
      expect(row.decision).toBe("ExplicitlyDenied");
      expect(row.decidedBy).toEqual([
        expect.objectContaining({ kind: "scp", effect: "Deny", stack: "org-o-0000000001src", address: expect.stringMatching(/^aws_organizations_policy\./) }),
      ]);
    }
    expect(leave[0].decidedBy[0].sid).toBe("DenyLeaveOrganization");
    // AND a copy into the DR vault passes the same SCP, which the row names as not denying it
    const allowedCopy = rows.find((row) => row.action === "backup:CopyFromBackupVault" && row.category === "call")!;
    expect(allowedCopy.actual).toBe("Allowed");
    expect(allowedCopy.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "scp", effect: "NoDeny", stack: "org-o-0000000001src" })]));
  });
});

describe("share mode: the DR account never encrypts with the source key", () => {
  test.each(CASES.filter((c) => c.flows.includes("share")).map((c) => ({ name: c.name })))("$name", ({ name }) => {
    // GIVEN a configuration with share-mode accounts
    const rows = matrices.get(name)!.filter((row) => row.flow === "share" && row.misuse === "unneeded-action");
    // WHEN the DR DLM role calls kms:Encrypt on a KMS-A through EC2
    // THEN it is denied, and KMS-A's key policy is what refuses it (no statement of it allows kms:Encrypt)
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect([row.action, row.context["kms:ViaService"] !== undefined, row.actual]).toEqual(["kms:Encrypt", true, "Denied"]);
      expect(row.decidedBy).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "resource", effect: "NoAllow" })]));
    }
  });
});

describe("share mode: the source key only through EC2", () => {
  test.each(CASES.filter((c) => c.flows.includes("share")).map((c) => ({ name: c.name })))("$name", ({ name }) => {
    // GIVEN a configuration with share-mode accounts
    const rows = matrices.get(name)!.filter((row) => row.flow === "share" && row.misuse === "without-service");
    // WHEN the DR DLM role calls kms:Decrypt on a KMS-A directly (no kms:ViaService)
    // THEN it is denied: KMS-A's key policy and the role's policy both tie the use of the key to EC2
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect([row.expected, row.actual]).toEqual(["Denied", "Denied"]);
      expect(row.context["kms:ViaService"]).toBeUndefined();
    }
  });
});
