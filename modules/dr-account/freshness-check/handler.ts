import * as fs from "fs";
import * as path from "path";
import { EC2Client } from "@aws-sdk/client-ec2";
import { RDSClient } from "@aws-sdk/client-rds";
import { BackupClient } from "@aws-sdk/client-backup";
import { DLMClient } from "@aws-sdk/client-dlm";
import { createRetrying, defaultSleep, TRANSIENT_ERRORS } from "../../lambda/runtime/retry";
import { ACCOUNT_ID, settingsReader } from "../../lambda/runtime/settings";
import { backupCopies, ebsCopies, rdsCopies, type CopiesFound } from "./dr-copies";
import { discoverDrCopyPolicies, type DrCopyPolicy, type DrCopyPolicyFilter } from "./dr-copy-policies";
import { CHECK_INTERVAL_HOURS, FLOWS, newlyStale, staleSources, type ExpectedSource, type Flow, type StaleSource } from "./stale-sources";

/**
 * The DR account's freshness check (a dead-man's switch), one per region where DR copies land, run hourly:
 * for every source expected here (account × region × flow, packaged with the function) it finds the newest
 * copy the DR account owns and reports the sources older than their flow's recovery point objective. The DR copy
 * event policies whose EBS copies count are found at each run in the source regions (`dr-copy-policies.ts`).
 *
 * Output, all in this function's log group:
 * - one `"decision":"stale"` line per stale source (account, region, flow, reason, newest copy, age, RPO, and
 *   `newlyStale: true` when it went stale since the previous hourly run);
 * - one `"decision":"dlm-policy-not-enabled"` line per DR copy event policy that is DISABLED or in ERROR, and one
 *   `"decision":"dlm-policy-missing"` line per source region where none was found (its sources show as stale);
 * - one `"decision":"summary"` line in CloudWatch Embedded Metric Format, which publishes the metric
 *   `<METRIC_NAMESPACE>/<METRIC_NAME>` (the number of stale sources) and, when `NEWLY_STALE_METRIC_NAME` is set,
 *   that metric (the number that went stale since the previous run), with no dimension: two metrics per region,
 *   whatever the number of accounts. A run that fails publishes nothing, which the alarm treats as breaching.
 */


export interface Settings {
  readonly drAccountId: string;
  readonly expected: readonly ExpectedSource[];
  readonly rpoHours: Readonly<Record<Flow, number>>;
  /** How to recognise the DR copy event policies (required when EBS sources are expected). */
  readonly dlmPolicyFilter?: DrCopyPolicyFilter;
  readonly backupVaultName?: string;
  readonly rdsImport?: { readonly tagKey: string; readonly tagValue: string; readonly prefix: string };
  readonly metricNamespace: string;
  readonly metricName: string;
  /** @default - the newly stale count is not published */
  readonly newlyStaleMetricName?: string;
}

const SOURCE = /^(ebs|rds|backup)\/(\d{12})\/([a-z]{2}(-gov)?-[a-z]+-\d)$/;

/** `ebs=36,rds=36,backup=44` → hours per flow; every problem reported at once. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const { problems, read, optional } = settingsReader(env);
  const drAccountId = read("DR_ACCOUNT_ID", ACCOUNT_ID, "a 12-digit AWS account id");
  const file = read("EXPECTED_SOURCES_FILE", undefined, "");
  const rpoText = read("RPO_HOURS", /^(ebs|rds|backup)=\d+(,(ebs|rds|backup)=\d+)*$/, "flow=hours pairs, e.g. ebs=36,rds=36,backup=44");
  const metricNamespace = read("METRIC_NAMESPACE", /^[^:].{0,254}$/, "a CloudWatch namespace");
  const metricName = read("METRIC_NAME", /^.{1,255}$/, "a metric name");

  const expected: ExpectedSource[] = [];
  if (file !== "") {
    let text = "";
    try {
      text = fs.readFileSync(path.join(env.LAMBDA_TASK_ROOT ?? __dirname, path.basename(file)), "utf8");
    } catch (error) {
      problems.push(`EXPECTED_SOURCES_FILE ${JSON.stringify(file)} cannot be read: ${(error as Error).message}`);
    }
    for (const line of text.split("\n").map((l) => l.trim()).filter((l) => l !== "")) {
      const match = SOURCE.exec(line);
      if (match) expected.push({ flow: match[1] as Flow, account: match[2], region: match[3] });
      else problems.push(`EXPECTED_SOURCES_FILE has a line that is not <flow>/<account>/<region>: ${JSON.stringify(line)}`);
    }
  }
  const rpoHours = { ebs: 0, rds: 0, backup: 0 } as Record<Flow, number>;
  for (const pair of rpoText === "" ? [] : rpoText.split(",")) {
    const [flow, hours] = pair.split("=");
    rpoHours[flow as Flow] = Number(hours);
  }
  for (const flow of FLOWS) {
    if (expected.some((source) => source.flow === flow) && !(rpoHours[flow] > 0)) problems.push(`RPO_HOURS has no positive value for ${flow}`);
  }
  const dlmTagKey = optional("DLM_POLICY_TAG_KEY");
  const dlmTagValue = optional("DLM_POLICY_TAG_VALUE");
  const dlmDescriptionPrefix = optional("DLM_POLICY_DESCRIPTION_PREFIX");
  const dlmPolicyFilter = dlmTagKey && dlmTagValue && dlmDescriptionPrefix ? { tagKey: dlmTagKey, tagValue: dlmTagValue, descriptionPrefix: dlmDescriptionPrefix } : undefined;
  if (expected.some((source) => source.flow === "ebs") && !dlmPolicyFilter) {
    problems.push("DLM_POLICY_TAG_KEY, DLM_POLICY_TAG_VALUE and DLM_POLICY_DESCRIPTION_PREFIX are required when EBS sources are expected");
  }
  const backupVaultName = optional("BACKUP_VAULT_NAME");
  if (expected.some((source) => source.flow === "backup") && !backupVaultName) problems.push("BACKUP_VAULT_NAME is not set (required when backup sources are expected)");
  const tagKey = optional("RDS_IMPORT_TAG_KEY");
  const tagValue = optional("RDS_IMPORT_TAG_VALUE");
  const prefix = optional("RDS_IMPORT_PREFIX");
  const rdsImport = tagKey && tagValue && prefix ? { tagKey, tagValue, prefix } : undefined;
  if (expected.some((source) => source.flow === "rds") && !rdsImport) {
    problems.push("RDS_IMPORT_TAG_KEY, RDS_IMPORT_TAG_VALUE and RDS_IMPORT_PREFIX are required when RDS sources are expected");
  }
  const newlyStaleMetricName = optional("NEWLY_STALE_METRIC_NAME");
  if (problems.length > 0) throw new Error(`Invalid freshness check configuration: ${problems.join("; ")}`);
  return {
    drAccountId,
    expected,
    rpoHours,
    ...(dlmPolicyFilter ? { dlmPolicyFilter } : {}),
    ...(backupVaultName ? { backupVaultName } : {}),
    ...(rdsImport ? { rdsImport } : {}),
    metricNamespace,
    metricName,
    ...(newlyStaleMetricName ? { newlyStaleMetricName } : {}),
  };
}

export interface ScheduledEvent {
  readonly "detail-type": string;
  readonly source: string;
  readonly region: string;
  readonly time?: string;
}

export interface FreshnessResult {
  readonly expectedSources: number;
  readonly stale: readonly StaleSource[];
  readonly copiesFound: number;
  readonly unattributedCopies: number;
  /** The DR copy event policies found in the source regions of the EBS sources. */
  readonly dlmPolicies: readonly DrCopyPolicy[];
}

export interface HandlerDeps {
  readonly settings: Settings;
  /** EC2 of a region (this one, and the source regions for shared-snapshot look-ups). */
  readonly ec2Of: (region: string) => EC2Client;
  /** DLM of a source region, where its DR copy event policies live. */
  readonly dlmOf: (region: string) => DLMClient;
  readonly rds: RDSClient;
  readonly backup: BackupClient;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly log?: (entry: Record<string, unknown>) => void;
}

const COMPONENT = "freshness-check";

/** DLM's own server error and its "a limit was exceeded" (HTTP 429) are worth another attempt, like throttling. */
const RETRYABLE_ERRORS = new Set([...TRANSIENT_ERRORS, "InternalServerException", "LimitExceededException"]);

export function createHandler(deps: HandlerDeps): (event: ScheduledEvent) => Promise<FreshnessResult> {
  const { settings } = deps;
  const log = deps.log ?? ((entry: Record<string, unknown>) => console.log(JSON.stringify({ component: COMPONENT, ...entry })));
  const retrying = createRetrying({ sleep: deps.sleep ?? defaultSleep, random: deps.random ?? Math.random, log, retryableErrors: RETRYABLE_ERRORS });
  const now = deps.now ?? (() => new Date());

  return async (event) => {
    if (event?.source !== "aws.events" || event["detail-type"] !== "Scheduled Event") {
      throw new Error(`Event not handled: source ${JSON.stringify(event?.source)}, detail-type ${JSON.stringify(event?.["detail-type"])}`);
    }
    const region = event.region;
    const flows = new Set(settings.expected.map((source) => source.flow));
    const found: CopiesFound[] = [];
    let dlmPolicies: DrCopyPolicy[] = [];
    if (flows.has("ebs") && settings.dlmPolicyFilter) {
      const sourceRegions = [...new Set(settings.expected.filter((source) => source.flow === "ebs").map((source) => source.region))].sort();
      dlmPolicies = await discoverDrCopyPolicies({ dlmOf: deps.dlmOf, regions: sourceRegions, filter: settings.dlmPolicyFilter, retrying });
      for (const policy of dlmPolicies.filter((p) => p.state !== "ENABLED")) {
        log({ decision: "dlm-policy-not-enabled", ...policy, reason: "a DR copy event policy that is not ENABLED copies nothing: the sources it lists go stale" });
      }
      for (const sourceRegion of sourceRegions.filter((r) => !dlmPolicies.some((p) => p.region === r))) {
        log({ decision: "dlm-policy-missing", region: sourceRegion, reason: "no DR copy event policy found in this source region: its EBS sources go stale" });
      }
      const policyRegions = new Map(dlmPolicies.map((policy) => [policy.policyId, policy.region]));
      found.push(await ebsCopies({ ec2: deps.ec2Of(region), ec2Of: deps.ec2Of, drAccountId: settings.drAccountId, expected: settings.expected, policyRegions, retrying }));
    }
    if (flows.has("rds") && settings.rdsImport) {
      const { tagKey, tagValue, prefix } = settings.rdsImport;
      found.push(await rdsCopies({ rds: deps.rds, region, importTagKey: tagKey, importTagValue: tagValue, importPrefix: prefix, retrying }));
    }
    if (flows.has("backup") && settings.backupVaultName) found.push(await backupCopies({ backup: deps.backup, vaultName: settings.backupVaultName, retrying }));

    const at = now();
    const copies = found.flatMap((f) => f.copies);
    const unattributedCopies = found.reduce((sum, f) => sum + f.unattributed, 0);
    const stale = staleSources(settings.expected, copies, at, settings.rpoHours);
    const newly = new Set(newlyStale(stale, CHECK_INTERVAL_HOURS));
    for (const source of stale) log({ decision: "stale", ...source, ...(newly.has(source) ? { newlyStale: true } : {}) });
    if (unattributedCopies > 0) log({ decision: "unattributed", region, unattributedCopies, reason: "DR-owned copies whose source could not be read from their tags or description" });
    // Embedded Metric Format: CloudWatch Logs extracts the metric; an empty dimension set keeps it one per region.
    log({
      decision: "summary",
      region,
      expectedSources: settings.expected.length,
      staleSources: stale.length,
      newlyStaleSources: newly.size,
      copiesFound: copies.length,
      unattributedCopies,
      dlmPolicies: dlmPolicies.length,
      dlmPoliciesNotEnabled: dlmPolicies.filter((p) => p.state !== "ENABLED").length,
      _aws: {
        Timestamp: at.getTime(),
        CloudWatchMetrics: [
          {
            Namespace: settings.metricNamespace,
            Dimensions: [[]],
            Metrics: [{ Name: settings.metricName, Unit: "Count" }, ...(settings.newlyStaleMetricName ? [{ Name: settings.newlyStaleMetricName, Unit: "Count" }] : [])],
          },
        ],
      },
      [settings.metricName]: stale.length,
      ...(settings.newlyStaleMetricName ? { [settings.newlyStaleMetricName]: newly.size } : {}),
    });
    return { expectedSources: settings.expected.length, stale, copiesFound: copies.length, unattributedCopies, dlmPolicies };
  };
}

let lambdaHandler: ReturnType<typeof createHandler> | undefined;
const ec2Clients = new Map<string, EC2Client>();
const dlmClients = new Map<string, DLMClient>();

export const handler = async (event: ScheduledEvent): Promise<FreshnessResult> => {
  if (!lambdaHandler) {
    lambdaHandler = createHandler({
      settings: readSettings(process.env),
      ec2Of: (region) => {
        let client = ec2Clients.get(region);
        if (!client) ec2Clients.set(region, (client = new EC2Client({ region, maxAttempts: 1 })));
        return client;
      },
      dlmOf: (region) => {
        let client = dlmClients.get(region);
        if (!client) dlmClients.set(region, (client = new DLMClient({ region, maxAttempts: 1 })));
        return client;
      },
      rds: new RDSClient({ maxAttempts: 1 }),
      backup: new BackupClient({ maxAttempts: 1 }),
    });
  }
  return lambdaHandler(event);
};
