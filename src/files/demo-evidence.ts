// Parses templates/demo/evidence.yaml (the demo estate's live state) into LiveState and fix-engine
// Evidence per workload key. Pure (text in, data out); it lives next to the demo loader.

import { parse } from 'yaml';
import { z } from 'zod';
import {
  analyzeLogs,
  mergeContainerEvidence,
  parseProbeOutput,
  type ContainerEvidence,
  type Evidence,
} from '../fix/index.js';
import type { LiveState } from '../inventory/types.js';

const podSchema = z.object({
  name: z.string(),
  phase: z.string(),
  reason: z.string().optional(),
  restarts: z.number().int().min(0),
});

const containerSchema = z.object({
  logs: z.string().default(''),
  uid: z.number().int().min(0).optional(),
  gid: z.number().int().min(0).optional(),
  written: z.array(z.string()).optional(),
  /** Files of the image the probe found above the written files (see PROBE_SCRIPT), optional. */
  image: z.array(z.string()).optional(),
});

const workloadSchema = z.object({
  pods: z.array(podSchema).default([]),
  containers: z.record(z.string(), containerSchema).default({}),
  notes: z.array(z.string()).default([]),
});

/** Schema of evidence.yaml (documented in the file's header). */
export const demoEvidenceSchema = z.object({ workloads: z.record(z.string(), workloadSchema) }).strict();

/** What the demo "saw" of one workload. */
export interface DemoObservation {
  live: LiveState;
  evidence: Evidence;
}

/** Parses evidence.yaml: a map from workload key (`ns/Kind/name`) to live state and evidence. */
export function parseDemoEvidence(text: string): Map<string, DemoObservation> {
  const data = demoEvidenceSchema.parse(parse(text));
  const out = new Map<string, DemoObservation>();
  for (const [key, w] of Object.entries(data.workloads)) {
    const containers: Record<string, ContainerEvidence> = {};
    for (const [name, c] of Object.entries(w.containers)) {
      const probe =
        c.uid !== undefined || c.written !== undefined
          ? parseProbeOutput(
              String(c.uid ?? ''),
              String(c.gid ?? ''),
              (c.written ?? []).join('\n'),
              c.image?.join('\n'),
            )
          : {};
      containers[name] = mergeContainerEvidence(analyzeLogs(c.logs), probe);
    }
    const podStatuses = w.pods.map((p) =>
      p.reason !== undefined ? { ...p, reason: p.reason } : { name: p.name, phase: p.phase, restarts: p.restarts },
    );
    out.set(key, {
      live: { pods: w.pods.length, injectedContainers: [], driftedPods: [], podStatuses },
      evidence: { containers, notes: w.notes },
    });
  }
  return out;
}
