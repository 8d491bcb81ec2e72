/**
 * Error helpers and the single retry mechanism of every Lambda handler here (their AWS clients are built with
 * maxAttempts: 1, so that this is the one place that decides, and tests can see it). Dependency-free: the
 * handlers' bundles include it.
 */

export const MAX_ATTEMPTS = 6;
export const BASE_DELAY_MS = 200;
export const MAX_DELAY_MS = 20_000;

/** Throttling and transient server errors, retried with backoff by every handler. */
export const TRANSIENT_ERRORS: readonly string[] = [
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "Unavailable",
];

function errorIds(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const { Code, code, name } = error as { Code?: unknown; code?: unknown; name?: unknown };
  return [Code, code, name].filter((id): id is string => typeof id === "string" && id !== "");
}

export function errorCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return String(error);
  return errorIds(error)[0] ?? "UnknownError";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `code (message)`, for failure lists. */
export function describeError(error: unknown): string {
  return `${errorCode(error)}: ${errorMessage(error)}`;
}

/** Whether the error's code or SDK name is one of these; matches both `DBSnapshotNotFound` and `DBSnapshotNotFoundFault`. */
export function hasErrorCode(error: unknown, codes: readonly string[]): boolean {
  return errorIds(error).some((id) => codes.includes(id));
}

/** Whether an error is worth another attempt: one of these codes, or one the SDK marks `$retryable`. */
export function isRetryable(error: unknown, retryableErrors: ReadonlySet<string>): boolean {
  if (errorIds(error).some((id) => retryableErrors.has(id))) return true;
  return typeof error === "object" && error !== null && Boolean((error as { $retryable?: unknown }).$retryable);
}

export type Retrying = <T>(operation: string, call: () => Promise<T>) => Promise<T>;

export interface RetryOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). */
  readonly random: () => number;
  readonly log: (entry: Record<string, unknown>) => void;
  /** The error codes retried: TRANSIENT_ERRORS and the service's own capacity limits. */
  readonly retryableErrors: ReadonlySet<string>;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter: the delay is uniform in [0, min(cap, base * 2^(attempt-1))). */
export function createRetrying(options: RetryOptions): Retrying {
  return async (operation, call) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error, options.retryableErrors)) throw error;
        const delayMs = Math.floor(options.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)));
        options.log({ decision: "retry", operation, attempt, delayMs, error: errorCode(error) });
        await options.sleep(delayMs);
      }
    }
  };
}
