import * as z from '#shared/zod.js';
import { expected, httpUrl, nonEmptyString, positiveInteger } from '../config.js';

const optionText = z
  .string({ error: expected('must be a string') })
  .check(z.minLength(1, 'must not be empty'), z.maxLength(100, 'is too long'));

export const transatelOptionSchema = z.object({ name: optionText, value: optionText });

const jsonOptionList = () =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((text: string, ctx): unknown => {
        try {
          return JSON.parse(text);
        } catch {
          ctx.issues.push({ code: 'custom', message: 'must be a JSON array of {name, value}', input: text });
          return z.NEVER;
        }
      }),
    ),
    z.array(transatelOptionSchema, { error: 'must be a JSON array of {name, value}' }),
  );

export const transatelApiEnv = z.object({
  TRANSATEL_BASE_URL: httpUrl(),
  TRANSATEL_MVNO_REF: nonEmptyString(),
  TRANSATEL_COS: z._default(nonEmptyString(), 'WW_M2MA_COS_IOT_CONNECT'),
  TRANSATEL_RATE_PLAN: z._default(
    nonEmptyString().check(z.maxLength(50, 'is too long')),
    'M2MA_WW_TSL_IOTCONNECT_CAPPED',
  ),
  TRANSATEL_DEFAULT_OPTIONS: z._default(jsonOptionList(), []),
  /** This container's share of Transatel's rate limit (requests per second); unset: no pacing. */
  TRANSATEL_MAX_RPS: z.optional(positiveInteger()),
});
