import { checkReviewAndResolve, describeVariant } from './check.js';

/** Simulator variant sparse: every optional or inferred field absent, write answers with an empty body. */
describeVariant('sparse', {
  'a plan answer lost, an inventory that cannot tell: NEEDS_REVIEW, resolved through simctl':
    checkReviewAndResolve,
});
