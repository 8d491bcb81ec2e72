import type { ConfigRule } from "./cross-field-rules";
import { backupSourceKeyAliasName, kmsAAliasName } from "./naming";
import type { SnapshotDrConfig } from "./load-config";

/**
 * `rds.kmsKeyAlias` names a key this project creates in every source account and region; an alias is unique
 * in an account and region (KMS CreateAlias: AlreadyExistsException), so it must not be one of the project's
 * other aliases there.
 */
const rdsKeyAliasIsUnique: ConfigRule = {
  sections: ["namePrefix", "rds"],
  check: (config, problem) => {
    const alias = config.rds.kmsKeyAlias;
    if (!config.rds.enabled || alias === undefined) return;
    const taken = [kmsAAliasName(config as SnapshotDrConfig), backupSourceKeyAliasName(config as SnapshotDrConfig)];
    if (taken.includes(alias)) problem("rds.kmsKeyAlias", `'${alias}' is the alias of another key this project creates in the source accounts (${taken.join(", ")}); an alias is unique in an account and region`);
  },
};

export const kmsAliasRules: readonly ConfigRule[] = [rdsKeyAliasIsUnique];
