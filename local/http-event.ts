import { randomUUID } from 'node:crypto';
import type { APIGatewayEventRequestContextV2, APIGatewayProxyEventV2WithRequestContext } from 'aws-lambda';
import type { RouteSpec } from '../shared/topology.js';
import { LOCAL_ACCOUNT_ID } from './aws.js';

type Segment = { literal: string } | { parameter: string; greedy: boolean };

interface CompiledRoute {
  route: RouteSpec;
  routeKey: string;
  segments: Segment[];
}

export type RouteMatch =
  | { kind: 'found'; route: RouteSpec; routeKey: string; pathParameters: Record<string, string> }
  | { kind: 'methodNotAllowed'; allow: string[] }
  | { kind: 'notFound' };

function compile(route: RouteSpec): CompiledRoute {
  const segments = route.path
    .split('/')
    .slice(1)
    .map((part): Segment => {
      const parameter = /^\{([^}+]+)(\+?)\}$/.exec(part);
      return parameter?.[1] ? { parameter: parameter[1], greedy: parameter[2] === '+' } : { literal: part };
    });
  return { route, routeKey: `${route.method} ${route.path}`, segments };
}

/** API Gateway prefers the most specific route: at the first segment where two differ, a literal wins. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const rank = (segment: Segment | undefined) =>
    segment === undefined ? 3 : 'literal' in segment ? 0 : segment.greedy ? 2 : 1;
  for (let i = 0; i < Math.max(a.segments.length, b.segments.length); i++) {
    const difference = rank(a.segments[i]) - rank(b.segments[i]);
    if (difference !== 0) return difference;
  }
  return 0;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function matchPath(compiled: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};
  for (const [i, segment] of compiled.segments.entries()) {
    const part = parts[i];
    if (part === undefined) return undefined;
    if ('literal' in segment) {
      if (decode(part) !== segment.literal) return undefined;
    } else if (segment.greedy) {
      parameters[segment.parameter] = decode(parts.slice(i).join('/'));
      return parameters;
    } else {
      if (part === '') return undefined;
      parameters[segment.parameter] = decode(part);
    }
  }
  return parts.length === compiled.segments.length ? parameters : undefined;
}

/** Route matching for API Gateway path templates: `{name}` is one segment, `{name+}` the rest. */
export function createRouter(routes: readonly RouteSpec[]): (method: string, rawPath: string) => RouteMatch {
  const compiled = routes.map(compile).sort(bySpecificity);
  return (method, rawPath) => {
    const parts = rawPath.split('/').slice(1);
    const allow = new Set<string>();
    for (const candidate of compiled) {
      const pathParameters = matchPath(candidate, parts);
      if (!pathParameters) continue;
      if (candidate.route.method === method) {
        return { kind: 'found', route: candidate.route, routeKey: candidate.routeKey, pathParameters };
      }
      allow.add(candidate.route.method);
    }
    return allow.size > 0 ? { kind: 'methodNotAllowed', allow: [...allow].sort() } : { kind: 'notFound' };
  };
}

/** Content types whose bodies API Gateway hands over as text; anything else arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    mediaType.startsWith('text/') ||
    mediaType.endsWith('+json') ||
    mediaType.endsWith('+xml') ||
    [
      'application/json',
      'application/xml',
      'application/javascript',
      'application/x-www-form-urlencoded',
      'application/graphql',
    ].includes(mediaType)
  );
}

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's `requestContext.time`. */
export function apiGatewayTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}

/** What API Gateway puts in `requestContext.authorizer` for an IAM-authorized route. */
export interface IamAuthorizer {
  iam: {
    accessKey: string;
    accountId: string;
    callerId: string;
    cognitoIdentity: null;
    principalOrgId: string | null;
    userArn: string;
    userId: string;
  };
}

export type LocalApiEvent = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & { authorizer?: IamAuthorizer }
>;

const localCaller: IamAuthorizer = {
  iam: {
    accessKey: 'local',
    accountId: LOCAL_ACCOUNT_ID,
    callerId: 'local',
    cognitoIdentity: null,
    principalOrgId: null,
    // What an audit records as the caller locally (in AWS: the caller's IAM principal ARN).
    userArn: 'local',
    userId: 'local',
  },
};

export interface RawHttpRequest {
  method: string;
  /** Request target as received: path and query string, still percent-encoded. */
  url: string;
  /** Node's `rawHeaders`: name, value, name, value... */
  rawHeaders: readonly string[];
  httpVersion: string;
  sourceIp: string;
  localPort: number;
  body: Buffer;
}

export interface EventRoute {
  routeKey: string;
  pathParameters: Record<string, string>;
  /** IAM-authorized routes get a local caller identity, as API Gateway fills `authorizer.iam`. */
  iam: boolean;
}

function collectHeaders(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  cookies: string[];
} {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter((cookie) => cookie !== ''),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return { headers, cookies };
}

function queryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const parameters: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    parameters[name] = parameters[name] === undefined ? value : `${parameters[name]},${value}`;
  }
  return parameters;
}

function traceId(now: Date): string {
  const seconds = Math.floor(now.getTime() / 1000).toString(16);
  return `Root=1-${seconds}-${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** The payload format 2.0 event API Gateway (HTTP API) sends to a Lambda integration. */
export function toApiGatewayEvent(
  request: RawHttpRequest,
  route: EventRoute,
  now: Date = new Date(),
): LocalApiEvent {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart < 0 ? '' : request.url.slice(queryStart + 1);
  const { headers, cookies } = collectHeaders(request.rawHeaders);
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-port'] ??= String(request.localPort);
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??= traceId(now);
  const domainName = (headers.host ?? 'localhost').replace(/:\d+$/, '');
  const queryStringParameters = queryParameters(rawQueryString);
  const hasPathParameters = Object.keys(route.pathParameters).length > 0;
  const text = isTextContentType(headers['content-type']);
  const hasBody = request.body.length > 0;

  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(hasPathParameters ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      ...(route.iam ? { authorizer: localCaller } : {}),
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: decode(rawPath),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: request.body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}
