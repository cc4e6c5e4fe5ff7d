import type { SignatureV4 } from '@smithy/signature-v4';
import { type AwsServiceOptions, serviceEndpoint, signedCall, sigV4Signer } from '../aws-request.js';

/** The AWS JSON 1.0 protocol services the functions call (docs/design.md, "AWS calls without SDK clients"). */
const SERVICES = {
  dynamodb: { targetPrefix: 'DynamoDB_20120810', host: 'dynamodb' },
  sqs: { targetPrefix: 'AmazonSQS', host: 'sqs' },
} as const;

export type JsonService = keyof typeof SERVICES;

/** An answer in the SDK's shape, without the SDK's response metadata. */
export type SdkAnswer<T> = Omit<T, '$metadata'>;

/**
 * One AWS service spoken in its JSON protocol: a POST of the operation's input to the endpoint, signed with
 * SigV4, its answer parsed. What the SDK client would send, without its middleware stack.
 */
export class AwsJsonClient {
  readonly #service: JsonService;
  readonly #options: AwsServiceOptions;
  readonly #signer: SignatureV4;
  readonly #endpoint: URL;

  constructor(service: JsonService, options: AwsServiceOptions) {
    this.#service = service;
    this.#options = options;
    this.#signer = sigV4Signer(service, options.region, options.credentials);
    this.#endpoint = serviceEndpoint(SERVICES[service].host, options);
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
