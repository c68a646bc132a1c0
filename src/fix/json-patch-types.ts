// RFC 6902 operation shape (a subset of fast-json-patch's Operation, kept local for pure code).
export type JsonPatchOp =
  { op: 'add' | 'replace' | 'test'; path: string; value: unknown } | { op: 'remove'; path: string };
