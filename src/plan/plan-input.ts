// What the planner reads from an inventory: its namespaces in order, its duplicates, and its
// workloads handed over one namespace at a time (so a caller done with them can let them go). Pure.

import { findDuplicates, type Duplicate } from '../inventory/duplicates.js';
import type { Inventory, Workload } from '../inventory/types.js';

/**
 * What the planner reads: the inventory without its workload list, the namespaces to plan, the
 * duplicates, and the workloads handed over one namespace at a time. `take(ns)` is called once per
 * namespace, in name order, and its workloads are not kept once that namespace is planned, so a
 * caller that owns them (`podsec plan`, see planInput) lets each namespace's go as the plan grows:
 * a 100k-workload estate and its plan are never both whole in memory.
 */
export interface PlanInput {
  inventory: Omit<Inventory, 'workloads'>;
  /** Every namespace to plan (with or without a Namespace object), sorted. */
  names: readonly string[];
  duplicates: Duplicate[];
  take: (namespace: string) => readonly Workload[];
}

/**
 * The planner's input for an inventory. With `release`, each namespace's workloads are let go once
 * taken: a caller that is done with the inventory empties its workload list and keeps no other
 * reference to them (generatePlan with `handOver`).
 */
export function planInput(inventory: Inventory, release = false): PlanInput {
  const { workloads, ...rest } = inventory;
  const byNamespace = new Map<string, Workload[]>();
  for (const w of workloads) {
    const list = byNamespace.get(w.namespace);
    if (list === undefined) byNamespace.set(w.namespace, [w]);
    else list.push(w);
  }
  return {
    inventory: rest,
    names: [...new Set([...inventory.namespaces.map((n) => n.name), ...byNamespace.keys()])].sort(),
    duplicates: findDuplicates(workloads),
    take: (namespace) => {
      const list = byNamespace.get(namespace) ?? [];
      if (release) byNamespace.delete(namespace);
      return list;
    },
  };
}
