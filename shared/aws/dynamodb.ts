import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AwsServiceOptions } from '../aws-request.js';
import { type SdkAnswer as Answer, AwsJsonClient } from './json-client.js';

/**
 * DynamoDB's data operations the stores use, with items as plain objects: the DocumentClient's commands and
 * shapes (@aws-sdk/lib-dynamodb's types), sent by AwsJsonClient. Attributes that are `undefined` are dropped,
 * as the DocumentClient does with `removeUndefinedValues`. Errors are AwsRequestErrors named as the SDK names
 * them (`ConditionalCheckFailedException`...).
 */

type Item = Record<string, unknown>;
type Wire = Record<string, AttributeValue>;

const toWire = (item: Item): Item => marshall(item, { removeUndefinedValues: true });
const fromWire = (item: Item): Item => unmarshall(item as Wire);
const mapValues = <T, U>(record: Record<string, T>, to: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, to(value)]));

/** The plain-object fields of an input or output that go on the wire as attribute maps. */
function convertFields(body: Item, fields: readonly string[], to: (item: Item) => Item): Item {
  const converted: Item = { ...body };
  for (const field of fields) {
    const value = body[field];
    if (value !== undefined) converted[field] = to(value as Item);
  }
  return converted;
}

interface WriteRequest {
  PutRequest?: { Item: Item };
  DeleteRequest?: { Key: Item };
}

const convertWriteRequest = (request: WriteRequest, to: (item: Item) => Item): WriteRequest => ({
  ...(request.PutRequest ? { PutRequest: { Item: to(request.PutRequest.Item) } } : {}),
  ...(request.DeleteRequest ? { DeleteRequest: { Key: to(request.DeleteRequest.Key) } } : {}),
});

interface KeysAndAttributes {
  Keys?: Item[];
}

const convertKeys = <T extends KeysAndAttributes>(request: T, to: (item: Item) => Item): T => ({
  ...request,
  ...(request.Keys ? { Keys: request.Keys.map(to) } : {}),
});

/** One operation: its name on the wire and how its input and output convert. */
abstract class DocumentCommand<Input extends object, Output> {
  abstract readonly operation: string;
  declare readonly output: Output;
  constructor(readonly input: Input) {}
  abstract toWire(): object;
  abstract fromWire(answer: Item): Output;
}

const ITEM_INPUT = ['Key', 'Item', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;
const ITEM_OUTPUT = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

/** GetItem, PutItem, UpdateItem, DeleteItem, Query and Scan: single items and value maps. */
abstract class ItemCommand<Input extends object, Output> extends DocumentCommand<Input, Output> {
  toWire(): object {
    return convertFields(this.input as Item, ITEM_INPUT, toWire);
  }
  fromWire(answer: Item): Output {
    const output = convertFields(answer, ITEM_OUTPUT, fromWire);
    if (Array.isArray(answer.Items)) output.Items = (answer.Items as Item[]).map(fromWire);
    return output as Output;
  }
}

export class GetCommand extends ItemCommand<GetCommandInput, Answer<GetCommandOutput>> {
  readonly operation = 'GetItem';
}
export class PutCommand extends ItemCommand<PutCommandInput, Answer<PutCommandOutput>> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends ItemCommand<UpdateCommandInput, Answer<UpdateCommandOutput>> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends ItemCommand<DeleteCommandInput, Answer<DeleteCommandOutput>> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends ItemCommand<QueryCommandInput, Answer<QueryCommandOutput>> {
  readonly operation = 'Query';
}

export class ScanCommand extends ItemCommand<ScanCommandInput, Answer<ScanCommandOutput>> {
  readonly operation = 'Scan';
}

export class BatchGetCommand extends DocumentCommand<BatchGetCommandInput, Answer<BatchGetCommandOutput>> {
  readonly operation = 'BatchGetItem';
  toWire(): object {
    const requests = (this.input.RequestItems ?? {}) as Record<string, KeysAndAttributes>;
    return { ...this.input, RequestItems: mapValues(requests, (request) => convertKeys(request, toWire)) };
  }
  fromWire(answer: Item): Answer<BatchGetCommandOutput> {
    const responses = (answer.Responses ?? {}) as Record<string, Item[]>;
    const unprocessed = (answer.UnprocessedKeys ?? {}) as Record<string, KeysAndAttributes>;
    return {
      ...answer,
      Responses: mapValues(responses, (items) => items.map(fromWire)),
      UnprocessedKeys: mapValues(unprocessed, (request) => convertKeys(request, fromWire)),
    } as Answer<BatchGetCommandOutput>;
  }
}

export class BatchWriteCommand extends DocumentCommand<
  BatchWriteCommandInput,
  Answer<BatchWriteCommandOutput>
> {
  readonly operation = 'BatchWriteItem';
  toWire(): object {
    const requests = (this.input.RequestItems ?? {}) as Record<string, WriteRequest[]>;
    return {
      ...this.input,
      RequestItems: mapValues(requests, (list) =>
        list.map((request) => convertWriteRequest(request, toWire)),
      ),
    };
  }
  fromWire(answer: Item): Answer<BatchWriteCommandOutput> {
    const unprocessed = (answer.UnprocessedItems ?? {}) as Record<string, WriteRequest[]>;
    return {
      ...answer,
      UnprocessedItems: mapValues(unprocessed, (list) =>
        list.map((request) => convertWriteRequest(request, fromWire)),
      ),
    } as Answer<BatchWriteCommandOutput>;
  }
}

/** The DocumentClient's `send`, over DynamoDB's JSON protocol. */
export class DocumentClient {
  readonly #client: AwsJsonClient;

  constructor(config: AwsServiceOptions) {
    this.#client = new AwsJsonClient('dynamodb', config);
  }

  async send<Input extends object, Output>(command: DocumentCommand<Input, Output>): Promise<Output> {
    const answer = await this.#client.call(command.operation, command.toWire());
    return command.fromWire(answer as Item);
  }
}

export type { QueryCommandInput };
