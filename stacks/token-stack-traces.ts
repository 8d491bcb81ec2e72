/**
 * cdktf records a full stack trace for every token it creates (each attribute reference and each nested
 * block of a resource: about 180 per source account), only to improve the message of a token that fails
 * to resolve. At 1,000 accounts that is 40% of the synthesis time and a third of its memory. The command
 * line turns the recording off; SNAPSHOT_DR_TOKEN_STACK_TRACES=1 keeps it for debugging. Where the private
 * module is not there (another cdktf version or the cdktn fork), nothing changes.
 */
export function disableTokenStackTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.SNAPSHOT_DR_TOKEN_STACK_TRACES === "1") return false;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const stackTrace = require("cdktf/lib/tokens/private/stack-trace") as { captureStackTrace?: unknown };
    if (typeof stackTrace.captureStackTrace !== "function") return false;
    stackTrace.captureStackTrace = () => [];
    return true;
  } catch {
    return false;
  }
}
