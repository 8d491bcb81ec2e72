import { z } from "zod";
import { region } from "./schema-fields";

/** Where Terraform keeps each stack's state. */

const s3BackendSchema = z
  .object({
    type: z.literal("s3").describe("State in an S3 bucket."),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name").describe("The state bucket."),
    /** Each stack's state is at `<keyPrefix>/<stack>.tfstate`. */
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9!_.*'()/-]{1,512}$/, "expected an S3 key prefix")
      .refine((value) => !value.startsWith("/") && !value.endsWith("/"), "must not start or end with '/'")
      .describe("Each stack's state is at <keyPrefix>/<stack>.tfstate.")
      .default("snapshot-dr"),
    region: region.describe("The bucket's region."),
    useLockfile: z.boolean().describe("S3-native state locking (Terraform 1.10 or later).").default(true),
    roleArn: z
      .string()
      .regex(/^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "expected an IAM role ARN")
      .optional()
      .describe("A role Terraform assumes to reach the bucket. Default: the caller's credentials."),
  })
  .strict()
  .describe("{type: s3, bucket, region}: one state file per stack in an S3 bucket.");

const cloudBackendSchema = z
  .object({
    type: z.literal("cloud").describe("State in Terraform Cloud or Enterprise."),
    organization: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "expected a Terraform Cloud organization name").describe("The Terraform Cloud organization."),
    /** Each stack gets the workspace `<workspacePrefix><stack>`. */
    workspacePrefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{0,40}$/, "expected letters, digits, '-' or '_'")
      .describe("Each stack gets the workspace <workspacePrefix><stack>.")
      .default("snapshot-dr-"),
    hostname: z.string().regex(/^[a-z0-9.-]+$/, "expected a host name").describe("The Terraform Cloud or Enterprise host.").default("app.terraform.io"),
  })
  .strict()
  .describe("{type: cloud, organization}: one Terraform Cloud workspace per stack.");

const localBackendSchema = z
  .object({ type: z.literal("local").describe("State files in the project directory.") })
  .strict()
  .describe("{type: local}: terraform.<stack>.tfstate in the project directory.");

export const backendSchema = z.discriminatedUnion("type", [localBackendSchema, s3BackendSchema, cloudBackendSchema], {
  errorMap: (issue, ctx) =>
    issue.code === "invalid_union_discriminator"
      ? { message: "expected type: local, s3 or cloud" }
      : { message: ctx.defaultError },
}).describe("Where Terraform keeps each stack's state.");
