import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';

/**
 * Wraps the handler of a scheduled function (an EventBridge rule's target): Lambda context on every log
 * line, and a failure logged with its reason before it is rethrown, so the invocation counts as an error
 * (alarmed on) and EventBridge's asynchronous invocation retries it.
 */
export function scheduledHandler<Result>(
  run: (context: Context) => Promise<Result>,
): (event: unknown, context: Context) => Promise<Result> {
  return middy<unknown, Result>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (_event, context) => {
      try {
        return await run(context);
      } catch (error) {
        logger.error('scheduled run failed', { error });
        throw error;
      }
    });
}
