/**
 * The RDS event IDs the copier acts on, by snapshot kind, with their documented meaning. No imports: the
 * stack reads them for the EventBridge rule's pattern without loading the AWS SDK.
 */
export const HANDLED_EVENT_IDS = {
  instance: {
    "RDS-EVENT-0042": "manual DB snapshot created",
    "RDS-EVENT-0091": "automated DB snapshot created",
    "RDS-EVENT-0197": "local DB snapshot copy finished",
    "RDS-EVENT-0060": "cross-Region DB snapshot copy finished",
  },
  cluster: {
    "RDS-EVENT-0075": "manual DB cluster snapshot created",
    "RDS-EVENT-0169": "automated DB cluster snapshot created",
  },
} as const satisfies Readonly<Record<"instance" | "cluster", Readonly<Record<string, string>>>>;
