import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnPermission, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { type FunctionName, type RouteSpec, routes as routeSpecs } from '#shared/topology.js';
import { suppressGuard } from '../guard.js';
import type { StageConfig } from '../stages.js';
import { stageLogGroup } from './log-group.js';

export interface ApiProps {
  stage: StageConfig;
  namePrefix: string;
  functions: Readonly<Record<FunctionName, IFunction>>;
  routes?: readonly RouteSpec[];
  /** The stage's key, for the access log group. */
  encryptionKey: IKey;
}

/** One access-log line per request, in the HTTP API's own $context variables. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    caller: '$context.identity.userArn',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

/**
 * The HTTP API of the topology's routes. IAM (SigV4) is the default authorizer, so a route is public
 * only when the topology says so (Transatel's webhook, which the function authenticates by signature).
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const routes = props.routes ?? routeSpecs;

    this.httpApi = new HttpApi(this, 'http-api', {
      apiName: `${props.namePrefix}-api`,
      description: 'IoT Connect Capped Plans backend',
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });

    const accessLogs = stageLogGroup(this, 'access-logs', {
      logGroupName: `/aws/apigateway/${props.namePrefix}-api`,
      stage: props.stage,
      encryptionKey: props.encryptionKey,
    });
    this.stage = this.httpApi.addStage('default-stage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.stage.api.throttleRateLimit,
        burstLimit: props.stage.api.throttleBurstLimit,
      },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat },
    });

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${name}-integration`, props.functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };

    for (const route of routes) {
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrationFor(route.function),
        ...(route.auth === 'public' ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (!httpRoute) continue;
      // The integration lets API Gateway invoke the function from this route only (a SourceArn that Guard,
      // reading literals and references only, cannot evaluate: CDK builds it with Fn::Join).
      for (const permission of httpRoute.node.findAll().filter((child) => child instanceof CfnPermission)) {
        suppressGuard(permission, {
          lambda_function_public_access_prohibited_check:
            `Invocable by apigateway.amazonaws.com only, with SourceArn this API's ${route.method} ${route.path} ` +
            'route (arn:...:execute-api:<region>:<account>:<api-id>/*/...): Guard cannot read that Fn::Join.',
        });
      }
      if (route.auth === 'public') {
        suppressGuard(httpRoute, {
          api_gw_v2_authorization_type_configured_check:
            `${route.method} ${route.path} is public by design: Transatel's webhook delivery cannot sign with ` +
            `SigV4; ${route.function} verifies the HMAC signature of the raw body, in constant time, before ` +
            'anything else.',
        });
        NagSuppressions.addResourceSuppressions(httpRoute, [
          {
            id: 'AwsSolutions-APIG4',
            reason:
              `${route.method} ${route.path} is public by design (shared/topology.ts): its caller, Transatel's ` +
              `webhook delivery, cannot sign with SigV4; ${route.function} verifies the HMAC signature of the ` +
              'raw body before doing anything else.',
          },
        ]);
      }
    }
  }

  /** `https://<api-id>.execute-api.<region>.amazonaws.com` (no trailing slash). */
  get endpoint(): string {
    return this.httpApi.apiEndpoint;
  }
}
