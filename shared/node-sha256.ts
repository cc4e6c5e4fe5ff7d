import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { Checksum, SourceData } from '@smithy/types';

/** SHA-256 (or HMAC-SHA-256 with a secret) for the SigV4 signer, on node:crypto. */
export class NodeSha256 implements Checksum {
  #hash: Hash | Hmac;
  readonly #secret: SourceData | undefined;

  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    if (this.#secret === undefined) return createHash('sha256');
    const key =
      typeof this.#secret === 'string'
        ? this.#secret
        : ArrayBuffer.isView(this.#secret)
          ? new Uint8Array(this.#secret.buffer, this.#secret.byteOffset, this.#secret.byteLength)
          : new Uint8Array(this.#secret);
    return createHmac('sha256', key);
  }

  update(data: Uint8Array | string): void {
    this.#hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }
}
