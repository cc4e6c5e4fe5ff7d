/**
 * How every AWS SDK v3 client of the functions is configured (docs/design.md, "AWS SDK clients"). Region,
 * credentials and, locally, each emulator's endpoint (`AWS_ENDPOINT_URL_<SERVICE>`) come from the environment,
 * as the SDK reads them by default; these settings bound how long a call can take:
 * - one connection gets 1 s to open and one attempt 2 s to answer (DynamoDB, SQS, SNS, Scheduler and Secrets
 *   Manager answer in milliseconds: an attempt still silent after 2 s is on a dead connection, and another
 *   attempt on a new one is the fix). `throwOnRequestTimeout`: without it the SDK only logs a warning.
 * - three attempts in the SDK's standard retry mode (exponential backoff with jitter, a longer base for
 *   throttling errors, a retry budget per client), so the worst call ends well inside every function's timeout
 *   (at least 10 s, test/infra); a queue consumer's message comes back from SQS after that.
 * - keep-alive connections (the SDK's default agents keep them too), closed after 50 s idle: AWS's endpoints
 *   drop idle connections after about a minute, and one written to as it is dropped fails without an answer.
 */

/** Per attempt: opening a connection, and the whole answer once sent. */
export const AWS_CONNECTION_TIMEOUT_MS = 1_000;
export const AWS_REQUEST_TIMEOUT_MS = 2_000;
/** S3 objects (a fleet report) can be megabytes: more time per attempt. */
export const S3_REQUEST_TIMEOUT_MS = 10_000;
export const AWS_MAX_ATTEMPTS = 3;
export const AWS_IDLE_CONNECTION_MS = 50_000;

const agent = { keepAlive: true, maxSockets: 50, timeout: AWS_IDLE_CONNECTION_MS };

/** The settings every SDK client of the functions is built with (spread into the client's constructor). */
export function awsClientConfig(options: { requestTimeoutMs?: number } = {}) {
  return {
    maxAttempts: AWS_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? AWS_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      httpAgent: agent,
      httpsAgent: agent,
    },
  } as const;
}
