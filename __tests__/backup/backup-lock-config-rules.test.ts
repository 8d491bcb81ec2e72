/**
 * The configuration rules of the DR vault lock and the backup trust settings: every problem with its path and
 * AWS's wording, the defaults that keep an estate safe without a choice.
 */
import { ConfigError, parseConfig } from "../../modules/config/load-config";
import { drVaultLockOf } from "../../modules/backup/dr-vault-lock-settings";

const RAW = {
  organizations: [{ id: "o-aaaaaaaaaa", managementAccountId: "999999999999" }],
  drAccount: { id: "222222222222", organizationId: "o-aaaaaaaaaa", copyRegions: ["us-east-1"] },
  sourceAccounts: [{ id: "111111111111", organizationId: "o-aaaaaaaaaa", regions: ["us-east-1"] }],
};

const withBackup = (backup: Record<string, unknown>) => ({ ...structuredClone(RAW), backup: { enabled: true, ...backup } });

function problemsOf(data: unknown): string[] {
  try {
    parseConfig(data, "test");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe("the DR vault lock in the configuration", () => {
  test("defaults: governance, 7 days minimum, the longest DR copy retention as maximum, copies from the listed accounts", () => {
    // GIVEN backup on with nothing else WHEN parsed
    const config = parseConfig(withBackup({}));
    // THEN the lock is governance from 7 to 35 days (the default rule's retention) and copies come from the listed accounts
    expect(config.backup.vaultLock.mode).toBe("governance");
    expect(drVaultLockOf(config.backup)).toEqual({ mode: "governance", minRetentionDays: 7, maxRetentionDays: 35 });
    expect(config.backup.copySources).toEqual({ type: "accounts" });
  });

  test("an explicit maximum wins over the derived one", () => {
    // GIVEN maxRetentionDays: 100 WHEN the lock is derived THEN it is 100
    expect(drVaultLockOf(parseConfig(withBackup({ vaultLock: { maxRetentionDays: 100 } })).backup).maxRetentionDays).toBe(100);
  });

  test("compliance mode without changeableForDays is refused with the reason", () => {
    // GIVEN compliance mode and no changeableForDays WHEN parsed THEN one problem names the field and the irreversibility
    expect(problemsOf(withBackup({ vaultLock: { mode: "compliance" } }))).toEqual([
      "backup.vaultLock.changeableForDays: is required in compliance mode: a compliance lock becomes immutable that many days after it is first applied " +
        "(nobody, not even the root user, can remove it then); set it explicitly (3 or more), or use governance mode",
    ]);
  });

  test("compliance mode with changeableForDays is accepted and carried to the lock", () => {
    // GIVEN compliance mode changeable for 30 days WHEN parsed THEN the lock has it
    const config = parseConfig(withBackup({ vaultLock: { mode: "compliance", changeableForDays: 30 } }));
    expect(drVaultLockOf(config.backup)).toEqual({ mode: "compliance", minRetentionDays: 7, maxRetentionDays: 35, changeableForDays: 30 });
  });

  test("a DR copy kept longer than the maximum, or shorter than the minimum, is refused with AWS's wording", () => {
    // GIVEN a maximum of 30 days under the default 35-day rule, then a minimum of 40 WHEN parsed THEN each names the rule
    const rule = "the vault fails a copy job whose retention period is outside its minimum and maximum retention periods";
    expect(problemsOf(withBackup({ vaultLock: { maxRetentionDays: 30 } }))).toEqual([
      `backup.rules[0].lifecycle.deleteAfterDays: the copy into the DR vault is kept 35 days, outside backup.vaultLock's 7 to 30 days: ${rule}`,
    ]);
    expect(problemsOf(withBackup({ vaultLock: { minRetentionDays: 40 } }))).toEqual([
      `backup.rules[0].lifecycle.deleteAfterDays: the copy into the DR vault is kept 35 days, outside backup.vaultLock's 40 to unlimited days: ${rule}`,
    ]);
  });

  test("every problem at once", () => {
    // GIVEN compliance without days and a maximum below the copies' retention WHEN parsed THEN both problems are reported
    expect(problemsOf(withBackup({ vaultLock: { mode: "compliance", maxRetentionDays: 30 } })).map((p) => p.split(":")[0])).toEqual([
      "backup.vaultLock.changeableForDays",
      "backup.rules[0].lifecycle.deleteAfterDays",
    ]);
  });
});
