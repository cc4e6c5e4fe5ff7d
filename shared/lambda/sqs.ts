import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from '../zod.js';
import { type FieldIssue, requiredFieldErrorMap, toFieldIssues } from './field-issues.js';
import { appendOrderContext, logger, removeOrderContext, withLogContext } from './logger.js';
import { Outbox } from './outbox.js';

/** What a batch's records share: the outbox (`holdSends`) and what `prepareBatch` returned. */
export interface SqsBatch<Prepared> {
  outbox: Outbox | undefined;
  prepared: Prepared | undefined;
}

export type SqsMessageHandler<Message, Prepared = never> = (
  message: Message,
  record: SQSRecord,
  context: Context,
  batch: SqsBatch<Prepared>,
) => Promise<void>;
export type SqsLambdaHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * A record whose body is not JSON or does not match the queue's message schema. Retrying cannot
 * fix it: it is reported as failed on every receive until SQS moves it to the DLQ.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';

  constructor(
    readonly messageId: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(
      `Message ${messageId} is invalid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    );
  }
}

/**
 * A record that cannot be handled yet but is not failing: a duplicate whose first copy is still in
 * flight, say. It is reported for redelivery like a failure, and logged at INFO rather than ERROR.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

/** A record's body, parsed once a batch: the message, or why it is poison; its ids for the log context either way. */
type ParsedRecord<Message> = {
  ids: { orderId: string | undefined; iccid: string | undefined };
} & ({ ok: true; message: Message } | { ok: false; error: PoisonMessageError });

function parseRecord<S extends z.core.$ZodType>(schema: S, record: SQSRecord): ParsedRecord<z.output<S>> {
  let candidate: unknown;
  try {
    candidate = JSON.parse(record.body);
  } catch {
    const error = new PoisonMessageError(record.messageId, [{ path: 'body', message: 'is not valid JSON' }]);
    return { ids: { orderId: undefined, iccid: undefined }, ok: false, error };
  }
  // Known identifiers go into the log context even when the rest of the message is invalid.
  const { orderId, iccid } =
    typeof candidate === 'object' && candidate !== null ? (candidate as Record<string, unknown>) : {};
  const ids = {
    orderId: typeof orderId === 'string' ? orderId : undefined,
    iccid: typeof iccid === 'string' ? iccid : undefined,
  };
  const result = z.safeParse(schema, candidate, { error: requiredFieldErrorMap });
  if (!result.success) {
    return {
      ids,
      ok: false,
      error: new PoisonMessageError(record.messageId, toFieldIssues(result.error, 'body')),
    };
  }
  return { ids, ok: true, message: result.data };
}

export interface SqsHandlerOptions<Message, Prepared> {
  /**
   * Hold the workflow steps the records queue and send them together once all have run (shared/lambda/outbox.ts);
   * a record whose steps SQS refuses is reported failed.
   */
  holdSends?: boolean;
  /**
   * Runs once a batch, before its records, with their valid messages (a read of all their orders in one
   * request, say); every record gets the result. An optimisation only: when it fails, the records run without.
   */
  prepareBatch?: (messages: Message[]) => Promise<Prepared>;
}

/**
 * Wraps a per-message handler for an SQS event source with `ReportBatchItemFailures`: each record
 * is JSON-parsed and validated, handled one after the other with `messageId`, `orderId` and
 * `iccid` on every log line, and the Lambda answers `{ batchItemFailures }` listing the records
 * that failed (invalid ones included), so one bad record never fails the batch.
 *
 * Records run sequentially because the log context is process-wide; throughput comes from the
 * batch size and the function's concurrency.
 */
export function sqsHandler<S extends z.core.$ZodType, Prepared = never>(
  schema: S,
  handle: SqsMessageHandler<z.output<S>, Prepared>,
  options: SqsHandlerOptions<z.output<S>, Prepared> = {},
): SqsLambdaHandler {
  const prepare = async (parsed: readonly ParsedRecord<z.output<S>>[]): Promise<Prepared | undefined> => {
    if (!options.prepareBatch) return undefined;
    try {
      // The valid messages only: the invalid ones fail in their turn.
      return await options.prepareBatch(parsed.flatMap((record) => (record.ok ? [record.message] : [])));
    } catch (error) {
      logger.warn('batch preparation failed; the records run without it', { error });
      return undefined;
    }
  };

  const handleRecord = (
    record: SQSRecord,
    parsed: ParsedRecord<z.output<S>>,
    context: Context,
    batch: SqsBatch<Prepared>,
  ): Promise<void> =>
    withLogContext(
      { messageId: record.messageId, receiveCount: record.attributes?.ApproximateReceiveCount },
      async () => {
        const { outbox } = batch;
        if (outbox) outbox.recordId = record.messageId;
        try {
          appendOrderContext(parsed.ids);
          if (!parsed.ok) throw parsed.error;
          await handle(parsed.message, record, context, batch);
        } catch (error) {
          if (error instanceof RetryLaterError) {
            logger.info('message will be retried later', { reason: error.message });
          } else if (error instanceof PoisonMessageError) {
            logger.error('poison message: rejected until it reaches the DLQ', { issues: error.issues });
          } else {
            logger.error('message processing failed, it will be retried', { error });
          }
          throw error;
        } finally {
          if (outbox) outbox.recordId = undefined;
          removeOrderContext();
        }
      },
    );

  const processBatch = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // A processor holds one batch's state: one per invocation keeps concurrent local invocations apart.
    const processor = new BatchProcessor(EventType.SQS);
    const outbox = options.holdSends ? new Outbox() : undefined;
    // Each body is parsed once, for prepareBatch and for its record's run.
    const parsed = new Map(event.Records.map((record) => [record, parseRecord(schema, record)]));
    const batch: SqsBatch<Prepared> = { outbox, prepared: await prepare([...parsed.values()]) };
    const response = await processPartialResponse(
      event,
      (record: SQSRecord) =>
        handleRecord(record, parsed.get(record) ?? parseRecord(schema, record), context, batch),
      processor,
      { context, processInParallel: false, throwOnFullBatchFailure: false },
    );
    if (!outbox) return response;
    const unsent = await outbox.flush();
    if (unsent.size === 0) return response;
    logger.error('steps could not be queued; their messages will be retried', { messageIds: [...unsent] });
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const added = [...unsent].filter((id) => !failed.has(id)).map((itemIdentifier) => ({ itemIdentifier }));
    return { batchItemFailures: [...response.batchItemFailures, ...added] };
  };

  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(processBatch);
}
