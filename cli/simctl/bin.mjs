#!/usr/bin/env node
// simctl's executable: runs the TypeScript sources through tsx (a devDependency), so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main();
