import type { SignatureV4 } from '@smithy/signature-v4';
import { type AwsCallOptions, type AwsCredentials, signedCall, sigV4Signer } from '../aws-request.js';

/** The AWS JSON 1.0 protocol services the functions call (docs/design.md, "AWS calls without SDK clients"). */
const SERVICES = {
  dynamodb: { targetPrefix: 'DynamoDB_20120810', host: 'dynamodb' },
  sqs: { targetPrefix: 'AmazonSQS', host: 'sqs' },
} as const;

export type JsonService = keyof typeof SERVICES;

export interface AwsJsonClientOptions extends AwsCallOptions {
  region: string;
  credentials: AwsCredentials;
  /** The service's origin (an emulator's, locally); default AWS's regional endpoint. */
  endpoint?: string | undefined;
}

/**
 * One AWS service spoken in its JSON protocol: a POST of the operation's input to the endpoint, signed with
 * SigV4, its answer parsed. What the SDK client would send, without its middleware stack.
 */
export class AwsJsonClient {
  readonly #service: JsonService;
  readonly #options: AwsJsonClientOptions;
  readonly #signer: SignatureV4;
  readonly #endpoint: URL;

  constructor(service: JsonService, options: AwsJsonClientOptions) {
    this.#service = service;
    this.#options = options;
    this.#signer = sigV4Signer(service, options.region, options.credentials);
    this.#endpoint = new URL(
      options.endpoint ?? `https://${SERVICES[service].host}.${options.region}.amazonaws.com`,
    );
  }

  /** `operation` with `input`; `origin` overrides the endpoint (SQS sends to its queue URL's host). */
  async call(operation: string, input: object, origin?: string): Promise<unknown> {
    const text = await signedCall(
      this.#signer,
      {
        method: 'POST',
        url: origin ? new URL('/', origin) : this.#endpoint,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `${SERVICES[this.#service].targetPrefix}.${operation}`,
        },
        body: JSON.stringify(input),
      },
      `${this.#service} ${operation}`,
      { ...this.#options, protocol: 'json' },
    );
    return text ? JSON.parse(text) : {};
  }
}
