// A document of the plan directory (a patch, its inverse, a kustomize Component) as the commented
// YAML text it is written as. Pure.

import { parse } from 'yaml';
import type { Patch } from './assess.js';
import { commentText } from './render-scripts.js';
import { toYaml } from './yaml-emit.js';

/**
 * A document of the plan directory: a patch or inverse patch, kept as the YAML text it is written
 * as (comment lines, then the data). The text is made once, when the document is: its digest and
 * its file come from it, and a 100k-workload plan holds 200,000 texts rather than 200,000 object
 * trees twice their size. `data` reads the text back (the renderer's YAML parses to the same data).
 */
export class PlanDocument {
  readonly text: string;

  /** `header`: comment lines written above the YAML. */
  constructor(header: readonly string[], data: Patch) {
    this.text = `${header.map((h) => `# ${commentText(h)}`).join('\n')}\n${toYaml(data)}`;
  }

  get data(): Patch {
    return parse(this.text) as Patch;
  }
}
