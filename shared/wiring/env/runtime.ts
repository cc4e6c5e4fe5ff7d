import * as z from '#shared/zod.js';
import { expected, httpUrl } from '../config.js';

export const logLevels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/** What infra gives every function (the logger and the AWS clients read these directly). */
export const runtimeEnv = z.object({
  STAGE: z
    .string({ error: expected('must be a string') })
    .check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lowercase stage name such as dev, staging or prod')),
  LOG_LEVEL: z._default(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((level: string) => level.toUpperCase()),
      ),
      z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }),
    ),
    'INFO',
  ),
  /** Local runtime only: points every AWS client at the emulators. */
  AWS_ENDPOINT_URL: z.optional(httpUrl()),
});
