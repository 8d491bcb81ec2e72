/**
 * Reading a handler's settings from its environment, every problem collected so that one deploy fixes them
 * all. Dependency-free: the handlers' bundles include it.
 */
export const ACCOUNT_ID = /^\d{12}$/;
export const POSITIVE_INTEGER = /^[1-9]\d*$/;

export interface SettingsReader {
  /** Every problem found so far, naming its variable. */
  readonly problems: string[];
  /** The variable's value, or undefined when it is unset or blank. */
  optional(name: string): string | undefined;
  /** The variable's value; a problem (and "") when it is unset, blank, or does not match the pattern. */
  read(name: string, pattern: RegExp | undefined, expected: string): string;
}

export function settingsReader(env: NodeJS.ProcessEnv): SettingsReader {
  const problems: string[] = [];
  const optional = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value;
  };
  const read = (name: string, pattern: RegExp | undefined, expected: string): string => {
    const value = optional(name);
    if (value === undefined) {
      problems.push(`${name} is not set`);
      return "";
    }
    if (pattern && !pattern.test(value)) problems.push(`${name} must be ${expected}, got ${JSON.stringify(value)}`);
    return value;
  };
  return { problems, optional, read };
}
