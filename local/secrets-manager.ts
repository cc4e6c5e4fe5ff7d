import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws.js';

/**
 * A stand-in for AWS Secrets Manager on 127.0.0.1 (no npm package emulates it), so that the functions' real SDK
 * client reads the Transatel secret locally and in tests. It speaks the JSON 1.1 protocol the SDK sends (`POST /`,
 * `X-Amz-Target: secretsmanager.<Operation>`, `Content-Type: application/x-amz-json-1.1`) for three operations:
 * CreateSecret, GetSecretValue and PutSecretValue, with the AWSCURRENT and AWSPREVIOUS labels moving on each put,
 * and errors as Secrets Manager sends them (HTTP 400, `{ "__type": "ResourceNotFoundException", "message" }`).
 * Requests are not signature-checked; secrets live in memory; nothing it holds is logged.
 */

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';
const MAX_BODY_BYTES = 1024 * 1024;

export type SecretsManagerOperation = 'CreateSecret' | 'GetSecretValue' | 'PutSecretValue';

type SecretValue = { SecretString: string } | { SecretBinary: string };

interface Version {
  id: string;
  value: SecretValue;
  createdDate: number;
}

interface StoredSecret {
  arn: string;
  name: string;
  versions: Map<string, Version>;
  /** Staging label -> version id. */
  labels: Map<string, string>;
}

export interface LocalSecretsManager {
  url: string;
  /** Creates a secret with a string value (what the local runtime does at start); answers its ARN. */
  createSecret(name: string, secretString: string): string;
  /** Requests answered per operation (errors included): tests count the functions' reads. */
  calls(operation: SecretsManagerOperation): number;
  stop(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const secretId = z.string().min(1).max(2048);
const secretString = z.string().max(65_536).optional();
const secretBinary = z.base64().max(87_384).optional();
const clientRequestToken = z.string().min(32).max(64).optional();

const createSecretInput = z.object({
  Name: z.string().min(1).max(512),
  SecretString: secretString,
  SecretBinary: secretBinary,
  ClientRequestToken: clientRequestToken,
  Description: z.string().max(2048).optional(),
});
const getSecretValueInput = z.object({
  SecretId: secretId,
  VersionId: z.string().min(32).max(64).optional(),
  VersionStage: z.string().min(1).max(256).optional(),
});
const putSecretValueInput = z.object({
  SecretId: secretId,
  SecretString: secretString,
  SecretBinary: secretBinary,
  ClientRequestToken: clientRequestToken,
  VersionStages: z.array(z.string().min(1).max(256)).min(1).max(20).optional(),
});

/** Messages name the fields, never the values (a value may be a secret). */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => issue.path.join('.') || 'request').join(', ');
  throw new ApiError('InvalidParameterException', `Invalid parameter: ${fields}`);
}

function secretValueOf(input: { SecretString?: string | undefined; SecretBinary?: string | undefined }) {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    throw new ApiError(
      'InvalidParameterException',
      "You can't specify both a binary secret value and a string secret value in the same secret.",
    );
  }
  if (input.SecretString !== undefined) return { SecretString: input.SecretString };
  if (input.SecretBinary !== undefined) return { SecretBinary: input.SecretBinary };
  return undefined;
}

function sameValue(a: SecretValue, b: SecretValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The JSON protocol's timestamps: epoch seconds. */
const epochSeconds = () => Date.now() / 1000;

export async function startLocalSecretsManager(
  options: { port?: number } = {},
): Promise<LocalSecretsManager> {
  const secrets = new Map<string, StoredSecret>();
  const counts: Record<SecretsManagerOperation, number> = {
    CreateSecret: 0,
    GetSecretValue: 0,
    PutSecretValue: 0,
  };

  const find = (id: string): StoredSecret => {
    const found = secrets.get(id) ?? [...secrets.values()].find((secret) => secret.arn === id);
    if (!found)
      throw new ApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return found;
  };
  const stagesOf = (secret: StoredSecret, versionId: string) =>
    [...secret.labels].filter(([, id]) => id === versionId).map(([label]) => label);

  /** Adds a version; AWSCURRENT moves to it unless other labels are asked for, the old current becoming AWSPREVIOUS. */
  const addVersion = (
    secret: StoredSecret,
    value: SecretValue,
    token: string | undefined,
    stages = [CURRENT],
  ) => {
    const id = token ?? randomUUID();
    const existing = secret.versions.get(id);
    if (existing) {
      if (sameValue(existing.value, value)) return existing;
      throw new ApiError(
        'ResourceExistsException',
        'A version with this ClientRequestToken already exists with a different value.',
      );
    }
    const version: Version = { id, value, createdDate: epochSeconds() };
    secret.versions.set(id, version);
    for (const stage of stages) {
      const before = secret.labels.get(stage);
      if (stage === CURRENT && before !== undefined) secret.labels.set(PREVIOUS, before);
      secret.labels.set(stage, id);
    }
    return version;
  };

  const create = (name: string, value: SecretValue | undefined, token?: string) => {
    if (secrets.has(name)) {
      throw new ApiError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const arn = `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:secret:${name}-${randomBytes(3).toString('hex')}`;
    const secret: StoredSecret = { arn, name, versions: new Map(), labels: new Map() };
    secrets.set(name, secret);
    const version = value ? addVersion(secret, value, token) : undefined;
    return { ARN: arn, Name: name, ...(version ? { VersionId: version.id } : {}) };
  };

  const operations: Record<SecretsManagerOperation, (input: unknown) => Record<string, unknown>> = {
    CreateSecret(raw) {
      const input = parseInput(createSecretInput, raw);
      return create(input.Name, secretValueOf(input), input.ClientRequestToken);
    },
    GetSecretValue(raw) {
      const input = parseInput(getSecretValueInput, raw);
      const secret = find(input.SecretId);
      const versionId = input.VersionId ?? secret.labels.get(input.VersionStage ?? CURRENT);
      const version = versionId === undefined ? undefined : secret.versions.get(versionId);
      if (!version || (input.VersionStage && !stagesOf(secret, version.id).includes(input.VersionStage))) {
        throw new ApiError(
          'ResourceNotFoundException',
          `Secrets Manager can't find the specified secret value for ${input.VersionId ? 'VersionId' : 'staging label'}: ${input.VersionId ?? input.VersionStage ?? CURRENT}`,
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        ...version.value,
        VersionStages: stagesOf(secret, version.id),
        CreatedDate: version.createdDate,
      };
    },
    PutSecretValue(raw) {
      const input = parseInput(putSecretValueInput, raw);
      const secret = find(input.SecretId);
      const value = secretValueOf(input);
      if (!value) {
        throw new ApiError(
          'InvalidRequestException',
          'You must provide either SecretString or SecretBinary.',
        );
      }
      const version = addVersion(secret, value, input.ClientRequestToken, input.VersionStages);
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        VersionStages: stagesOf(secret, version.id),
      };
    },
  };

  const reply = (response: ServerResponse, status: number, body: Record<string, unknown>) => {
    response.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
    });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
    if (request.method !== 'POST' || !(operation in operations)) {
      throw new ApiError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
    }
    const name = operation as SecretsManagerOperation;
    counts[name] += 1;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new ApiError('InvalidRequestException', 'The request is too large.');
      chunks.push(chunk as Buffer);
    }
    let input: unknown;
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      throw new ApiError('SerializationException', 'The request body is not JSON.');
    }
    return operations[name](input);
  };

  const server = createServer((request, response) => {
    handle(request).then(
      (body) => reply(response, 200, body),
      (error: unknown) => {
        if (error instanceof ApiError) reply(response, 400, { __type: error.type, message: error.message });
        else reply(response, 500, { __type: 'InternalServiceError', message: 'The stand-in failed.' });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    createSecret: (name, secretString) => create(name, { SecretString: secretString }).ARN,
    calls: (operation) => counts[operation],
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
