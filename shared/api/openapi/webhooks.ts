import { envelopeSchema } from '#shared/transatel/webhooks/events.js';
import { SIGNATURE_HEADER } from '#shared/transatel/webhooks/signature.js';
import * as z from '#shared/zod.js';
import type { OperationSpec } from './spec.js';

/** The Webhooks route of the OpenAPI document: Transatel's signed events. */

export const webhookOperations: Readonly<Record<string, OperationSpec>> = {
  'POST /v1/webhooks/transatel': {
    operationId: 'receiveTransatelWebhook',
    summary: "Transatel's webhook: a signed event",
    description: `Verified with \`X-TSL-Signature-256\` (HMAC-SHA256 of the raw body) before anything is parsed; a correctly signed event of any type is queued, then acknowledged.`,
    tag: 'Webhooks',
    headers: z.object({
      [SIGNATURE_HEADER]: z
        .string()
        .check(z.meta({ description: 'HMAC-SHA256 of the raw body with the shared secret' })),
    }),
    body: { schema: envelopeSchema.check(z.meta({ id: 'TransatelEvent' })), required: true },
    success: { status: 204, description: 'Event accepted' },
    problems: [400, 401, 413, 503],
  },
};
