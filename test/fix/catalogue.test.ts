// The image catalogue: shipped file parses, image references resolve like the runtime's, and
// matches pick the right entry (specific before general, tags honoured, registries respected).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchImage, parseImageCatalogue, parseImageRef } from '../../src/fix/catalogue.js';
import { CATALOGUE_FILE, loadImageCatalogue } from '../../src/files/catalogue.js';
import { loadCatalogue } from './helpers.js';

const catalogue = loadCatalogue();

describe('image catalogue', () => {
  it('ships the templates file the loader names, and loads it', async () => {
    const dir = join(import.meta.dirname, '../../templates');
    expect(existsSync(join(dir, CATALOGUE_FILE))).toBe(true);
    expect((await loadImageCatalogue(dir)).entries.length).toBe(catalogue.entries.length);
  });

  it('has a source for every entry and never a uid of 0', () => {
    for (const e of catalogue.entries) {
      expect(e.source).toMatch(/^https:\/\//);
      expect(e.uid ?? e.suggestedUid).toBeGreaterThan(0);
      for (const p of e.rootOwned) expect(e.writes).toContain(p);
    }
  });

  it('parses image references like the container runtime', () => {
    expect(parseImageRef('nginx')).toEqual({ registry: 'docker.io', repository: 'nginx', tag: 'latest' });
    expect(parseImageRef('docker.io/library/redis:7@sha256:abc')).toEqual({
      registry: 'docker.io',
      repository: 'redis',
      tag: '7',
    });
    expect(parseImageRef('localhost:5000/team/app:1.2')).toEqual({
      registry: 'localhost:5000',
      repository: 'team/app',
      tag: '1.2',
    });
    expect(parseImageRef('bitnami/postgresql:16')).toEqual({
      registry: 'docker.io',
      repository: 'bitnami/postgresql',
      tag: '16',
    });
  });

  it.each([
    ['nginx:1.27', 'nginx'],
    ['docker.io/library/nginx', 'nginx'],
    ['nginxinc/nginx-unprivileged:1.27-alpine', 'nginx-unprivileged'],
    ['public.ecr.aws/docker/library/redis:8.10.1-alpine', 'redis-alpine'],
    ['public.ecr.aws/docker/library/redis:8.10.1', 'redis'],
    ['gcr.io/google-samples/gb-frontend:v5', 'gb-frontend'],
    ['bitnami/postgresql:16', 'bitnami'],
    ['gcr.io/distroless/static:nonroot', 'distroless-nonroot'],
    ['gcr.io/distroless/static:latest', 'distroless'],
    ['python:3.12-slim', 'python'],
    ['registry.k8s.io/pause:3.10', 'pause'],
    ['postgres:16-alpine', 'postgres-alpine'],
    ['postgres:16', 'postgres'],
    ['redis:7-alpine', 'redis-alpine'],
    ['prom/node-exporter:v1.8.2', 'prometheus'],
    ['dockersamples/examplevotingapp_vote:latest', 'python'],
  ])('matches %s to %s', (image, id) => {
    expect(matchImage(catalogue, image)?.id).toBe(id);
  });

  it.each(['registry.k8s.io/redis:e2e', 'example.com/nginx-custom:1', 'quay.io/someone/app'])(
    'does not guess for %s',
    (image) => {
      expect(matchImage(catalogue, image)).toBeUndefined();
    },
  );

  it('rejects a malformed catalogue with the field path', () => {
    expect(() =>
      parseImageCatalogue(
        'images:\n  - id: x\n    match: [x]\n    uid: 0\n    imageUser: root\n    confidence: high\n    source: s\n',
      ),
    ).toThrow(/images\.0\.uid/);
  });
});
