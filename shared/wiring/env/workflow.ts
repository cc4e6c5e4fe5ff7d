import * as z from '#shared/zod.js';
import { positiveInteger } from '../config.js';

export const activationDeadlineEnv = z.object({
  ACTIVATION_DEADLINE_SECONDS: z._default(positiveInteger(), 3600),
});
