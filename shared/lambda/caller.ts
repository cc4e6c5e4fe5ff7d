import type { HttpEvent } from './http-event.js';

interface IamContext {
  authorizer?: { iam?: { userArn?: string | null; callerId?: string | null } };
}

/**
 * Who made a request, for audit: the caller's IAM principal ARN as API Gateway's IAM authorization fills it
 * in (`local` in the local runtime), else its caller id; `unknown` on a route without IAM authorization.
 */
export function callerOf(event: HttpEvent): string {
  const iam = (event.requestContext as IamContext | undefined)?.authorizer?.iam;
  return iam?.userArn || iam?.callerId || 'unknown';
}
