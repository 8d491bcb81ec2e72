/** DLM accepts policy descriptions of 1 to 500 characters of these. */
const DESCRIPTION_PATTERN = /^[0-9A-Za-z _-]{1,500}$/;

/** Throws, naming the rule, when DLM would reject the policy description. */
export function assertDlmPolicyDescription(description: string): void {
  if (!DESCRIPTION_PATTERN.test(description)) {
    throw new Error(`Expected policy description to match ${DESCRIPTION_PATTERN.source}, got '${description}'`);
  }
}
