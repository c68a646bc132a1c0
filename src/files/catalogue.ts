// Shell: reads the image catalogue (templates/images.yaml) from the templates folder and hands
// its text to the pure parser.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseImageCatalogue, type ImageCatalogue } from '../fix/catalogue.js';
import { InternalError } from '../errors.js';

/** File name of the catalogue inside the templates folder. */
export const CATALOGUE_FILE = 'images.yaml';

/** Loads and parses the shipped catalogue; a missing or broken file is a packaging bug. */
export async function loadImageCatalogue(templatesDir: string): Promise<ImageCatalogue> {
  const path = join(templatesDir, CATALOGUE_FILE);
  try {
    return parseImageCatalogue(await readFile(path, 'utf8'));
  } catch (err) {
    throw new InternalError(`cannot load the image catalogue ${path}: ${(err as Error).message}`);
  }
}
