export { DEFAULTS } from './config.js';
export type { CountersSnapshot } from './counters.js';
export type { EventEnvelope } from './events.js';
export {
  CATEGORY_CODES,
  iccidFor,
  imsiFor,
  luhnCheckDigit,
  msisdnFor,
  parseIccid,
  SIM_CATEGORIES,
} from './ids.js';
export { DEFAULT_SIM_COUNTS, eidFor, matchingIdFor, SMDP_ADDRESS } from './seed.js';
export { type RunningSimulator, startSimulator } from './server.js';
export type {
  FaultConfig,
  RouteFaults,
  RouteId,
  SimCategory,
  SimulatorOptions,
  SubscriberStatus,
  TestModePlans,
  WebhookFaults,
  WebhookTargetConfig,
} from './types.js';
export { ROUTE_IDS } from './types.js';
export {
  isSimulatorVariant,
  SIMULATOR_VARIANTS,
  type SimulatorVariant,
  variantDescriptions,
} from './variants.js';
export { SIGNATURE_HEADER, signBody } from './webhooks.js';
