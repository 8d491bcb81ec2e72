import { z } from "zod";

/**
 * `monitoring`: who is told when a copy does not happen, and how fresh every source's newest DR copy must be.
 * Every field has a default, so existing configurations keep working (and get a "Review:" notice that no
 * alarm reaches a person until a subscription is configured).
 */

/** An e-mail address as SNS accepts it for the `email` protocol (one address, no display name). */
const emailAddress = z
  .string()
  .max(254, "e-mail addresses are at most 254 characters")
  .regex(/^[^\s@<>(),;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, "expected an e-mail address such as dr-oncall@example.com");

/** SNS `https` subscriptions: the endpoint must confirm the subscription (SNS sends a SubscriptionConfirmation). */
const httpsEndpoint = z
  .string()
  .max(2048, "URLs are at most 2048 characters")
  .regex(/^https:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[^\s]*)?$/, "expected an https:// URL (SNS delivers over TLS only to https endpoints)");

/** An SNS standard topic ARN (FIFO topics do not accept CloudWatch alarm actions). */
const topicArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:sns:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/,
    "expected an SNS standard topic ARN: arn:<partition>:sns:<region>:<account>:<name> (not .fifo)",
  );

/** Recovery point objective in hours: at most a year, whole hours (the freshness check runs hourly). */
const rpoHours = z
  .number()
  .int("must be a whole number of hours")
  .min(1, "must be at least 1 hour")
  .max(8760, "must be at most 8760 hours (one year)");

export const monitoringSchema = z
  .object({
    notifications: z
      .object({
        emails: z
          .array(emailAddress)
          .max(100, "at most 100 e-mail addresses")
          .default([])
          .describe("E-mail addresses subscribed to the alarm topic of every region and account (each must confirm the subscription once)."),
        httpsEndpoints: z
          .array(httpsEndpoint)
          .max(100, "at most 100 endpoints")
          .default([])
          .describe("HTTPS endpoints (an incident tool's webhook) subscribed to every alarm topic; each must confirm the subscription."),
        forwardToTopicArns: z
          .array(topicArn)
          .max(4, "at most 4 topics: a CloudWatch alarm has at most 5 actions per state and an EventBridge rule at most 5 targets (PutTargets), one is the project's own topic")
          .default([])
          .describe(
            "Existing SNS topics in any account (for example an organization's central on-call topic) that every alarm, tamper alert, DLM policy error and failed-copy event " +
              "of the same region also notifies; topics of other regions are not used. Their policy must let cloudwatch.amazonaws.com publish (alarms) and, for the events, " +
              "events.amazonaws.com if the topic is in the same account, else the role <namePrefix>-event-forwarding of each DR and source account; " +
              "an encrypted topic's key must allow the same principals kms:GenerateDataKey and kms:Decrypt.",
          ),
      })
      .strict()
      .default({})
      .describe("Who the alarms and tamper alerts reach. With none of these, alarms only change state in CloudWatch."),
    rpoHours: z
      .object({
        ebs: rpoHours
          .optional()
          .describe("Maximum age of the newest DR-owned copy of a source's EBS snapshots. Default: the EBS snapshot interval + 12 h."),
        rds: rpoHours
          .optional()
          .describe("Maximum age of the newest DR-owned copy of a source's RDS snapshots. Default: 24 h (daily automated snapshots) + 12 h."),
        backup: rpoHours
          .optional()
          .describe("Maximum age of the newest recovery point a source copied into the DR vault. Default: the longest backup rule interval + 12 h."),
      })
      .strict()
      .default({})
      .describe("Recovery point objective per flow, checked by the DR account's freshness check; defaults derive from the schedules."),
  })
  .strict()
  .default({})
  .describe("Alarms, their notification topic, and the DR account's freshness check.");

export type MonitoringConfig = z.output<typeof monitoringSchema>;
