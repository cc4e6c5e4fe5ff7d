import { checkTestModeRefusal, describeVariant } from './check.js';

/** Simulator variant test-mode: an account in IoT test mode: activated SIMs go to TestMode. */
describeVariant('test-mode', {
  'a plan refused on a TestMode SIM fails with SIM_IN_TEST_MODE and Transatel detail': checkTestModeRefusal,
});
