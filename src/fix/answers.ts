// Operator decisions, given up front with --answers FILE (YAML) or collected by the wizard.
// Pure: a zod schema and helpers. Keys are workload keys `ns/Kind/name`, optionally `/container`.

import { z } from 'zod';

export const answersSchema = z
  .object({
    /** Target level for every namespace unless overridden per namespace. */
    target: z.enum(['baseline', 'restricted']).optional(),
    /** Per-namespace target override. */
    targets: z.record(z.string(), z.enum(['baseline', 'restricted'])).default({}),
    /** Numeric UID per workload (`ns/Kind/name`) or container (`ns/Kind/name/container`). */
    uids: z.record(z.string(), z.number().int().min(1)).default({}),
    gids: z.record(z.string(), z.number().int().min(0)).default({}),
    /** Paths the program writes, for emptyDir mounts when hardening (per workload or container). */
    writablePaths: z.record(z.string(), z.array(z.string().startsWith('/'))).default({}),
    /** Namespaces exempted from the target, with the reason recorded in the plan. */
    exemptions: z.record(z.string(), z.string().min(1)).default({}),
    /** Workloads (`ns/Kind/name`) left out of the fix phase. */
    skip: z.array(z.string()).default([]),
    /** Apply readOnlyRootFilesystem hardening beyond the level. */
    harden: z.boolean().default(false),
    /** Soak period before enforcing, e.g. "7d" (exit criterion of the observe phase). */
    soak: z
      .string()
      .regex(/^\d+[hdw]$/)
      .default('7d'),
    /**
     * Keys (of uids, gids, writablePaths) whose values a bundled example prefilled (the demo's
     * answers.yaml): used like answers, but never labelled as the operator's. The wizard drops a
     * key from here when the operator answers it.
     */
    prefilled: z.array(z.string()).default([]),
  })
  .strict();

export type Answers = z.infer<typeof answersSchema>;

export const EMPTY_ANSWERS: Answers = answersSchema.parse({});

/** Answer for a container, falling back to its workload's answer. */
export function answerFor<T>(map: Record<string, T>, workloadKey: string, container?: string): T | undefined {
  if (container !== undefined) {
    const own = map[`${workloadKey}/${container}`];
    if (own !== undefined) return own;
  }
  return map[workloadKey];
}
