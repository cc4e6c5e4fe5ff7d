import { describeVariant } from './check.js';

/** Simulator variant documented: Transatel as its documentation and the integrations seen describe it. */
describeVariant('documented');
