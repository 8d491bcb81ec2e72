import { isRecord } from "../policy-json";
import { figure, resolvedBytes, resourcesOf } from "../stack-json";
import type { StackCheck } from "../types";

/** Lambda quotas, "Function environment variables": "4 KB, for all environment variables associated with the function, in aggregate". */
export const LAMBDA_ENVIRONMENT_SIZE_LIMIT = 4096;

export const LambdaEnvironmentWithinSize: StackCheck = {
  id: "LambdaEnvironmentWithinSize",
  explanation: "Move long settings (account lists, maps) into a file packaged with the function (EventDrivenFunction's extraFiles) and pass its name instead.",
  check(stack) {
    return resourcesOf(stack.json, "aws_lambda_function").flatMap((fn) => {
      const environment: unknown = Array.isArray(fn.body.environment) ? fn.body.environment[0] : fn.body.environment;
      const variables = isRecord(environment) && isRecord(environment.variables) ? environment.variables : {};
      const size = Object.entries(variables).reduce((sum, [key, value]) => sum + resolvedBytes(key) + resolvedBytes(String(value)), 0);
      return size > LAMBDA_ENVIRONMENT_SIZE_LIMIT
        ? [{ address: fn.address, attribute: "environment.variables", message: `The environment variables are ${figure(size)} bytes; Lambda accepts at most ${figure(LAMBDA_ENVIRONMENT_SIZE_LIMIT)} for all of them ("Function environment variables": 4 KB)` }]
        : [];
    });
  },
};
