// Node loads a worker's entry itself (vitest's transform and the parent's loaders do not reach it),
// so, like bin/aizuchi.mjs, this registers tsx before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./media-shard-worker.ts');
