import { type SimulatorOptions, startSimulator } from '../local/simulator/index.js';
import { toParent } from './child.js';

/**
 * A Transatel simulator in a process of its own (forked by a bench part), so the process being measured
 * does not also pay for the simulator's work: on 2 cores each gets one. Options come as JSON in argv[2].
 */
const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const sim = await startSimulator({ ...options, port: 0 });
await toParent({ kind: 'ready', url: sim.url });
process.on('SIGTERM', () => {
  void sim.close().then(() => process.exit(0));
});
