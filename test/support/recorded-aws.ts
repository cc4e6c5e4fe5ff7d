import type { AwsAnswer, AwsExchange, AwsServiceOptions } from '#shared/aws-request.js';

/** Credentials the signed clients' unit tests sign with (AWS's documentation example key id). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/**
 * Options for a client signed by the project whose calls never leave the process: each exchange is recorded in
 * `sent` and answered by `answer` (an Error is thrown, as a network failure would be), with no back-off between
 * attempts.
 */
export function recordedAws(answer: (exchange: AwsExchange) => AwsAnswer | Error): {
  options: AwsServiceOptions;
  sent: AwsExchange[];
} {
  const sent: AwsExchange[] = [];
  return {
    sent,
    options: {
      region: 'eu-west-1',
      credentials: TEST_CREDENTIALS,
      send: async (exchange) => {
        sent.push(exchange);
        const result = answer(exchange);
        if (result instanceof Error) throw result;
        return result;
      },
      backoffMs: () => 0,
    },
  };
}
