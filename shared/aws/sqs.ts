import type {
  DeleteMessageBatchCommandInput,
  DeleteMessageBatchCommandOutput,
  ReceiveMessageCommandInput,
  ReceiveMessageCommandOutput,
  SendMessageBatchCommandInput,
  SendMessageBatchCommandOutput,
  SendMessageCommandInput,
  SendMessageCommandOutput,
} from '@aws-sdk/client-sqs';
import type { AwsServiceOptions } from '../aws-request.js';
import { type SdkAnswer as Answer, AwsJsonClient } from './json-client.js';

/**
 * The SQS operations the functions send (SendMessage, SendMessageBatch) and the local runtime's pollers
 * (ReceiveMessage, DeleteMessageBatch), with the SDK's shapes (@aws-sdk/client-sqs's types), over SQS's JSON
 * protocol. Each goes to its queue URL's host, as the SDK client does by default. Errors are
 * AwsRequestErrors named as the SDK names them (`QueueDoesNotExist`...).
 */

abstract class QueueCommand<Input extends { QueueUrl: string | undefined }, Output> {
  abstract readonly operation: string;
  declare readonly output: Output;
  constructor(readonly input: Input) {}
}

export class SendMessageCommand extends QueueCommand<
  SendMessageCommandInput,
  Answer<SendMessageCommandOutput>
> {
  readonly operation = 'SendMessage';
}

export class SendMessageBatchCommand extends QueueCommand<
  SendMessageBatchCommandInput,
  Answer<SendMessageBatchCommandOutput>
> {
  readonly operation = 'SendMessageBatch';
}

export class ReceiveMessageCommand extends QueueCommand<
  ReceiveMessageCommandInput,
  Answer<ReceiveMessageCommandOutput>
> {
  readonly operation = 'ReceiveMessage';
}

export class DeleteMessageBatchCommand extends QueueCommand<
  DeleteMessageBatchCommandInput,
  Answer<DeleteMessageBatchCommandOutput>
> {
  readonly operation = 'DeleteMessageBatch';
}

/** No endpoint: each call goes to its queue URL's host. */
export type SqsClientConfig = Omit<AwsServiceOptions, 'endpoint'>;

/** The SQS client's `send` for these operations. */
export class SqsClient {
  readonly #client: AwsJsonClient;

  constructor(config: SqsClientConfig) {
    this.#client = new AwsJsonClient('sqs', config);
  }

  async send<Input extends { QueueUrl: string | undefined }, Output>(
    command: QueueCommand<Input, Output>,
  ): Promise<Output> {
    const { QueueUrl } = command.input;
    if (!QueueUrl) throw new Error(`SQS ${command.operation}: no QueueUrl`);
    return (await this.#client.call(command.operation, command.input, new URL(QueueUrl).origin)) as Output;
  }
}
