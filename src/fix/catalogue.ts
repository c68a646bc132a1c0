// The image catalogue (templates/images.yaml) as data: parsing and matching an image reference.
// Pure: the shell reads the file and passes its text to parseImageCatalogue.

import { parse } from 'yaml';
import { z } from 'zod';
import type { Confidence } from './types.js';

const entrySchema = z
  .object({
    id: z.string().min(1),
    match: z.array(z.string().min(1)).min(1),
    tags: z.array(z.string().min(1)).optional(),
    uid: z.number().int().min(1).optional(),
    gid: z.number().int().min(0).optional(),
    suggestedUid: z.number().int().min(1).optional(),
    imageUser: z.string().min(1),
    writes: z.array(z.string().startsWith('/')).default([]),
    rootOwned: z.array(z.string().startsWith('/')).default([]),
    /** Directories holding image files the program needs: an emptyDir at or above them is seeded. */
    content: z.array(z.string().startsWith('/')).default([]),
    ports: z.array(z.number().int().min(1).max(65535)).default([]),
    confidence: z.enum(['high', 'medium', 'low']),
    notes: z.string().default(''),
    source: z.string().min(1),
  })
  .strict();

const catalogueSchema = z.object({ images: z.array(entrySchema) }).strict();

/** One well-known image: who it runs as, what it writes, where the facts come from. */
export type ImageEntry = z.infer<typeof entrySchema> & { confidence: Confidence };

/** The parsed catalogue, in match order. */
export interface ImageCatalogue {
  entries: ImageEntry[];
}

export const EMPTY_CATALOGUE: ImageCatalogue = { entries: [] };

/** Parses templates/images.yaml; throws an Error naming the bad field when malformed. */
export function parseImageCatalogue(text: string): ImageCatalogue {
  const result = catalogueSchema.safeParse(parse(text));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid image catalogue at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown'}`);
  }
  return { entries: result.data.images };
}

/** An image reference split into registry, repository and tag. */
export interface ImageRef {
  registry: string;
  repository: string;
  tag: string;
}

/** Splits `registry/repo:tag@digest` the way the container runtime does (docker.io defaults). */
export function parseImageRef(image: string): ImageRef {
  let rest = image.split('@')[0] ?? image;
  let tag = 'latest';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? parts.slice(1).join('/') : rest;
  if (registry === 'docker.io' && repository.startsWith('library/')) repository = repository.slice('library/'.length);
  return { registry, repository, tag };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** A catalogue entry with its globs compiled once. */
interface CompiledEntry {
  entry: ImageEntry;
  match: RegExp[];
  tags: RegExp[] | undefined;
}

/** Per catalogue: compiled globs and the answer for each image already looked up (a pure memo). */
const compiled = new WeakMap<
  ImageCatalogue,
  { entries: CompiledEntry[]; byImage: Map<string, ImageEntry | undefined> }
>();

function compile(catalogue: ImageCatalogue): {
  entries: CompiledEntry[];
  byImage: Map<string, ImageEntry | undefined>;
} {
  let c = compiled.get(catalogue);
  if (c === undefined) {
    c = {
      entries: catalogue.entries.map((entry) => ({
        entry,
        match: entry.match.map(globToRegExp),
        tags: entry.tags?.map(globToRegExp),
      })),
      byImage: new Map(),
    };
    compiled.set(catalogue, c);
  }
  return c;
}

/** The first catalogue entry matching the image, or undefined. */
export function matchImage(catalogue: ImageCatalogue, image: string): ImageEntry | undefined {
  const c = compile(catalogue);
  if (c.byImage.has(image)) return c.byImage.get(image);
  const ref = parseImageRef(image);
  // Bare patterns (`nginx`) mean Docker Hub; other registries match only with their host.
  const full = `${ref.registry}/${ref.repository}`;
  const candidates = ref.registry === 'docker.io' ? [ref.repository, full] : [full];
  const found = c.entries.find((e) => {
    const repoOk = e.match.some((re) => candidates.some((cand) => re.test(cand)));
    const tagOk = e.tags === undefined || e.tags.some((re) => re.test(ref.tag));
    return repoOk && tagOk;
  })?.entry;
  c.byImage.set(image, found);
  return found;
}
