import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from '../zod.js';
import type { HttpAudit } from './audit.js';
import { type FieldIssue, requiredFieldErrorMap, toFieldIssues } from './field-issues.js';
import { HttpError, problemTypes } from './problem.js';

/** What a route accepts; every part with a schema is validated before the handler runs. */
export interface HttpRequestSpec {
  body?: z.core.$ZodType;
  params?: z.core.$ZodType;
  query?: z.core.$ZodType;
  /** Header names are lowercase (API Gateway v2 and the header normalizer make them so). */
  headers?: z.core.$ZodType;
  /** Limit on the decoded body; default 256 KiB. */
  maxBodyBytes?: number;
  /** Operator actions: the SIMs each call concerns go to their history, whatever the answer (audit.ts). */
  audit?: HttpAudit;
}

type Parsed<Spec, Part extends string> = Spec extends { [P in Part]: infer Schema extends z.core.$ZodType }
  ? z.output<Schema>
  : undefined;

/** The validated request. A part without a schema is `undefined`; use `event` for anything else. */
export interface HttpInput<Spec extends HttpRequestSpec> {
  body: Parsed<Spec, 'body'>;
  params: Parsed<Spec, 'params'>;
  query: Parsed<Spec, 'query'>;
  headers: Parsed<Spec, 'headers'>;
  /** The body bytes as received (base64 decoded): what a signature is computed over. */
  rawBody: Buffer | undefined;
}

export const defaultMaxBodyBytes = 256 * 1024;

const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

export function bodyByteLength(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): number {
  const { body } = event;
  if (!body) return 0;
  if (!event.isBase64Encoded) return Buffer.byteLength(body, 'utf8');
  const padding = body.endsWith('==') ? 2 : body.endsWith('=') ? 1 : 0;
  return Math.floor((body.length * 3) / 4) - padding;
}

export function assertBodyWithinLimit(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  maxBodyBytes: number,
): void {
  if (bodyByteLength(event) > maxBodyBytes) {
    throw new HttpError(413, {
      type: problemTypes.payloadTooLarge,
      detail: `body: must not exceed ${maxBodyBytes} bytes`,
    });
  }
}

export function rawBodyOf(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
): Buffer | undefined {
  if (event.body === undefined || event.body === null) return undefined;
  return Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
}

function parseJsonBody(rawBody: Buffer | undefined, contentType: string | undefined): unknown {
  if (rawBody === undefined || rawBody.length === 0) return undefined;
  if (contentType === undefined || !jsonMediaType.test(contentType)) {
    throw new HttpError(400, {
      type: problemTypes.unsupportedContentType,
      title: 'Unsupported content type',
      detail: 'content-type: must be application/json',
      errors: [{ path: 'headers.content-type', message: 'must be application/json' }],
    });
  }
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    // The parser's message quotes the input: keep it out of the response and the logs.
    throw new HttpError(400, {
      type: problemTypes.malformedJson,
      title: 'Malformed JSON',
      detail: 'body: is not valid JSON',
      errors: [{ path: 'body', message: 'is not valid JSON' }],
    });
  }
}

function validatePart(
  schema: z.core.$ZodType | undefined,
  value: unknown,
  prefix: string,
  issues: FieldIssue[],
): unknown {
  if (schema === undefined) return undefined;
  const result = z.safeParse(schema, value, { error: requiredFieldErrorMap });
  if (result.success) return result.data;
  issues.push(...toFieldIssues(result.error, prefix));
  return undefined;
}

/**
 * Decodes and validates a request against `spec`. Throws `HttpError` (4xx) for anything the
 * client got wrong; all invalid fields of all parts are reported together.
 */
export function parseHttpInput<Spec extends HttpRequestSpec>(
  spec: Spec,
  event: APIGatewayProxyEventV2,
): HttpInput<Spec> {
  const headers = event.headers ?? {};
  const rawBody = rawBodyOf(event);
  const jsonBody = spec.body === undefined ? undefined : parseJsonBody(rawBody, headers['content-type']);

  const issues: FieldIssue[] = [];
  const params = validatePart(spec.params, event.pathParameters ?? {}, 'params', issues);
  const query = validatePart(spec.query, event.queryStringParameters ?? {}, 'query', issues);
  const validHeaders = validatePart(spec.headers, headers, 'headers', issues);
  const body = validatePart(spec.body, jsonBody, 'body', issues);
  if (issues.length > 0) throw HttpError.validation(issues);

  // Each part was parsed by the schema its type is inferred from.
  return { body, params, query, headers: validHeaders, rawBody } as HttpInput<Spec>;
}
