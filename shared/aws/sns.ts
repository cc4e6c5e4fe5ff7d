import type { SignatureV4 } from '@smithy/signature-v4';
import { type AwsServiceOptions, serviceEndpoint, signedCall, sigV4Signer } from '../aws-request.js';

/**
 * SNS's Publish and PublishBatch in its query protocol (a form-encoded POST, an XML answer), signed with
 * SigV4: the two calls the functions make, with string attributes only.
 */

export interface SnsMessage {
  Message: string;
  MessageAttributes?: Record<string, { DataType: 'String'; StringValue: string }>;
}

/** `prefix.N` fields of one message, as the query protocol flattens them. */
function messageFields(prefix: string, message: SnsMessage): [string, string][] {
  const fields: [string, string][] = [[`${prefix}Message`, message.Message]];
  Object.entries(message.MessageAttributes ?? {}).forEach(([name, value], index) => {
    const entry = `${prefix}MessageAttributes.entry.${index + 1}`;
    fields.push(
      [`${entry}.Name`, name],
      [`${entry}.Value.DataType`, value.DataType],
      [`${entry}.Value.StringValue`, value.StringValue],
    );
  });
  return fields;
}

/** The ids of a PublishBatch answer's failed entries (`<Failed><member><Id>`). */
export function failedIds(xml: string): string[] {
  const failed = /<Failed>([\s\S]*?)<\/Failed>/.exec(xml)?.[1] ?? '';
  return [...failed.matchAll(/<Id>([^<]*)<\/Id>/g)].map((match) => match[1] as string);
}

export class SnsClient {
  readonly #options: AwsServiceOptions;
  readonly #signer: SignatureV4;
  readonly #endpoint: URL;

  constructor(options: AwsServiceOptions) {
    this.#options = options;
    this.#signer = sigV4Signer('sns', options.region, options.credentials);
    this.#endpoint = serviceEndpoint('sns', options);
  }

  async publish(topicArn: string, message: SnsMessage): Promise<void> {
    await this.#call('Publish', [['TopicArn', topicArn], ...messageFields('', message)]);
  }

  /** Up to 10 messages, with the ids the caller gave them; returns the ids SNS did not take. */
  async publishBatch(topicArn: string, entries: (SnsMessage & { Id: string })[]): Promise<string[]> {
    const fields: [string, string][] = [['TopicArn', topicArn]];
    entries.forEach((entry, index) => {
      const prefix = `PublishBatchRequestEntries.member.${index + 1}.`;
      fields.push([`${prefix}Id`, entry.Id], ...messageFields(prefix, entry));
    });
    return failedIds(await this.#call('PublishBatch', fields));
  }

  #call(action: string, fields: [string, string][]): Promise<string> {
    const body = new URLSearchParams([['Action', action], ['Version', '2010-03-31'], ...fields]).toString();
    return signedCall(
      this.#signer,
      {
        method: 'POST',
        url: this.#endpoint,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      },
      `sns ${action}`,
      this.#options,
    );
  }
}
