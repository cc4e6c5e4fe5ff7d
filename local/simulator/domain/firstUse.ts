import type { SimulatorCore } from '../core.js';
import { subscriberEvent } from '../events.js';
import type { Sim, SimState } from '../state.js';
import { activatePendingProducts } from './products.js';

/** First network use of a Pre-activated SIM: it becomes Active on its own (source 'system'). */
export function activateOnFirstUse(core: SimulatorCore, sim: Sim): boolean {
  if (sim.status !== 'Pre-Activated') return false;
  delete sim.firstUseActivationScheduled;
  sim.status = 'Active';
  sim.activationDate = new Date().toISOString();
  core.emit(subscriberEvent('ACTIVATED', sim, { source: 'system' }));
  activatePendingProducts(core, sim);
  return true;
}

/** After a preload the platform activates the SIM once activationDelayMs has passed. */
export function scheduleFirstUseActivation(core: SimulatorCore, sim: Sim): void {
  if (sim.firstUseActivationScheduled || sim.status !== 'Pre-Activated') return;
  sim.firstUseActivationScheduled = true;
  const state: SimState = core.state;
  core.scheduler.after(core.config.activationDelayMs, () => {
    if (core.state === state) activateOnFirstUse(core, sim);
  });
}
