import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { HttpError, httpHandler, noContent } from '#shared/lambda/http.js';
import { logger } from '#shared/lambda/logger.js';
import { envelopeSchema } from '#shared/transatel/webhooks/events.js';
import { SIGNATURE_HEADER, verifySignature } from '#shared/transatel/webhooks/signature.js';
import { sqsClient } from '#shared/wiring/clients/sqs.js';
import { loadConfig } from '#shared/wiring/config.js';
import { eventsQueueEnv } from '#shared/wiring/env/queues.js';
import { getWebhookSecrets } from '#shared/wiring/secrets.js';

/** Transatel events are small; SQS takes at most 256 KiB. */
const MAX_EVENT_BYTES = 64 * 1024;

async function verify(rawBody: Buffer, header: string | undefined) {
  const first = verifySignature(rawBody, header, await getWebhookSecrets());
  if (first.valid || first.reason !== 'mismatch') return first;
  // The secret may have been rotated since we cached it: read it again (rate-limited) and retry once.
  return verifySignature(rawBody, header, await getWebhookSecrets({ forceRefresh: true }));
}

/**
 * POST /v1/webhooks/transatel. The signature is checked on the raw bytes before anything is parsed;
 * a correctly signed event is queued as received (unknown types too) and only then acknowledged, so
 * it is never lost: if queueing fails, Transatel gets a 5xx and sends it again.
 */
export const handler = httpHandler({ maxBodyBytes: MAX_EVENT_BYTES }, async ({ rawBody }, event) => {
  const signature = event.headers?.[SIGNATURE_HEADER];
  const check = await verify(rawBody ?? Buffer.alloc(0), signature);
  if (!check.valid) {
    logger.warn('webhook rejected', { reason: check.reason });
    throw new HttpError(401, {
      detail: `headers.${SIGNATURE_HEADER}: signature ${check.reason.replace('-', ' ')}`,
    });
  }
  const text = (rawBody ?? Buffer.alloc(0)).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw HttpError.badRequest('body: is not valid JSON');
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw HttpError.validation(
      envelope.error.issues.map((issue) => ({
        path: `body.${issue.path.join('.')}`,
        message: issue.message,
      })),
    );
  }
  const { header } = envelope.data;
  try {
    await sqsClient().send(
      new SendMessageCommand({ QueueUrl: loadConfig(eventsQueueEnv).EVENTS_QUEUE_URL, MessageBody: text }),
    );
  } catch (error) {
    logger.error('webhook could not be queued; Transatel will retry', { error, eventId: header.eventId });
    throw HttpError.unavailable('The event could not be stored; retry later', 30);
  }
  logger.info('webhook accepted', {
    eventId: header.eventId,
    eventType: header.eventType,
    secretIndex: check.secretIndex,
  });
  return noContent();
});
