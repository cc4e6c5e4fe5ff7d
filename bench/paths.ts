import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (bench/ sits in it). */
export const projectRoot = fileURLToPath(new URL('../', import.meta.url));

/** Scratch output (bundles, child logs); git-ignored. */
export const outRoot = resolve(projectRoot, '.bench-out');
