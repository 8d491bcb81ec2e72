/**
 * The property behind `npm test` and `npm run fuzz`: a random mutation of a valid configuration of any flow,
 * written as YAML (sometimes edited carelessly), ends in a clean rejection or an accepted configuration whose
 * stacks build (and, for some runs, synthesize and pass the AWS-limit checks).
 */
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import type { IamCatalog } from "../../../modules/policy-lint/lint-policies";
import { baseConfigurations, mutate, mutationArbitrary, textEditArbitrary, yamlText } from "./config-mutations";
import { outcomeOf, writeSentinel } from "./config-outcome";

export interface FuzzOptions {
  readonly seed: number;
  readonly numRuns: number;
  /** A scratch directory (removed by the caller). */
  readonly directory: string;
  /** Build the stacks of at most this many accepted configurations. */
  readonly maxBuilds: number;
  /** Synthesize (with the policy lint, into a directory holding a previous output) every n-th accepted configuration; 0 never. */
  readonly synthesizeEvery: number;
  readonly policyCatalog?: IamCatalog;
  /** A run slower than this fails the property (a hang). */
  readonly maxMillisecondsPerRun: number;
  /**
   * Mutations per run, at most.
   * @default 4
   */
  readonly maxMutations?: number;
}

export interface FuzzSummary {
  readonly runs: number;
  readonly rejected: number;
  readonly accepted: number;
  readonly built: number;
  readonly synthesized: number;
}

export function runConfigFuzz(options: FuzzOptions): FuzzSummary {
  const bases = baseConfigurations();
  const file = path.join(options.directory, "estate.yaml");
  const outdir = path.join(options.directory, "cdktf.out");
  const counts = { runs: 0, rejected: 0, accepted: 0, built: 0, synthesized: 0 };
  const property = fc.property(
    fc.nat({ max: bases.length - 1 }),
    fc.array(mutationArbitrary, { minLength: 0, maxLength: options.maxMutations ?? 4 }),
    textEditArbitrary,
    (baseIndex, mutations, edit) => {
      const data = mutate(bases[baseIndex].data, mutations);
      fs.writeFileSync(file, yamlText(data, edit));
      counts.runs++;
      const synthesizeNext = options.synthesizeEvery > 0 && counts.accepted % options.synthesizeEvery === 0;
      writeSentinel(outdir);
      const started = Date.now();
      const outcome = outcomeOf(file, data, {
        build: counts.built < options.maxBuilds,
        synthesizeInto: outdir,
        synthesize: synthesizeNext,
        ...(options.policyCatalog ? { policyCatalog: options.policyCatalog } : {}),
      });
      const elapsed = Date.now() - started;
      if (outcome.kind === "rejected") counts.rejected++;
      else {
        counts.accepted++;
        if (outcome.synthesized) counts.synthesized++;
        else if (counts.built < options.maxBuilds) counts.built++;
      }
      // Synthesis legitimately takes seconds; validation alone must be quick whatever the input.
      const limit = outcome.kind === "accepted" ? options.maxMillisecondsPerRun * 20 : options.maxMillisecondsPerRun;
      if (elapsed > limit) throw new Error(`a run took ${elapsed} ms (limit ${limit} ms): ${bases[baseIndex].name}`);
    },
  );
  fc.assert(property, { seed: options.seed, numRuns: options.numRuns, endOnFailure: true });
  return counts;
}
