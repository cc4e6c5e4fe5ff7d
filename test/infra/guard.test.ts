import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type PolicyValidationPluginReportBeta1, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyGuardSuppressions,
  ControlTowerGuard,
  controlTowerRulesFor,
  type GuardMetadata,
  suppressGuard,
} from '#infra/guard.js';

const REASON = 'A reason long enough to say why this control does not apply here.';

const violation = (ruleName: string, ...resourceLogicalIds: string[]) => ({
  ruleName,
  description: ruleName,
  violatingResources: resourceLogicalIds.map((resourceLogicalId) => ({
    resourceLogicalId,
    templatePath: 'stack.template.json',
    locations: [`/Resources/${resourceLogicalId}/Properties`],
  })),
});

describe('applyGuardSuppressions', () => {
  const report: PolicyValidationPluginReportBeta1 = {
    success: false,
    violations: [violation('rule_a', 'Suppressed', 'NoReason', 'Plain'), violation('rule_b', 'Suppressed')],
  };
  const metadata = new Map<string, GuardMetadata>([
    ['Suppressed', { SuppressedRules: ['rule_a'], Reasons: { rule_a: REASON } }],
    ['NoReason', { SuppressedRules: ['rule_a'], Reasons: {} }],
  ]);

  it('drops a violation only on a resource that suppresses that rule with a reason', () => {
    const result = applyGuardSuppressions(report, () => metadata);
    expect(result.success).toBe(false);
    expect(
      result.violations.map((v) => [v.ruleName, v.violatingResources.map((r) => r.resourceLogicalId)]),
    ).toEqual([
      ['rule_a', ['NoReason', 'Plain']],
      ['rule_b', ['Suppressed']],
    ]);
  });

  it('succeeds once every violating resource suppresses its rule', () => {
    const result = applyGuardSuppressions(
      { success: false, violations: [violation('rule_a', 'Suppressed')] },
      () => metadata,
    );
    expect(result).toEqual({ success: true, violations: [] });
  });
});

/** Apps synthesize into their own temporary directories, removed after each test. */
const outdirs: string[] = [];
afterEach(() => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
});
const tempApp = (): App => {
  const outdir = mkdtempSync(join(tmpdir(), 'guard-test-'));
  outdirs.push(outdir);
  return new App({ outdir });
};

describe('suppressGuard', () => {
  const stack = () => new Stack(tempApp(), 'stack');

  it('writes the rules and their reasons in the resource metadata, adding to what is there', () => {
    const bucket = new Bucket(stack(), 'bucket');
    suppressGuard(bucket, { s3_bucket_object_lock_enabled_check: REASON });
    suppressGuard(bucket, { s3_event_notifications_enabled_check: `${REASON} (2)` });
    const [resource] = Object.values(Template.fromStack(Stack.of(bucket)).findResources('AWS::S3::Bucket'));
    expect(resource?.Metadata).toEqual({
      guard: {
        SuppressedRules: ['s3_bucket_object_lock_enabled_check', 's3_event_notifications_enabled_check'],
        Reasons: {
          s3_bucket_object_lock_enabled_check: REASON,
          s3_event_notifications_enabled_check: `${REASON} (2)`,
        },
      },
    });
  });

  it('refuses a suppression without a reason, and a construct without a resource', () => {
    const scope = stack();
    expect(() => suppressGuard(new Bucket(scope, 'bucket'), { lambda_inside_vpc_check: ' ' })).toThrow(
      /needs a reason/,
    );
    expect(() => suppressGuard(new Construct(scope, 'empty'), { lambda_inside_vpc_check: REASON })).toThrow(
      /no CloudFormation resource/,
    );
  });
});

describe('ControlTowerGuard on a synthesis', () => {
  /** The validation report a synthesis fails with (cfn-guard with Control Tower's rules on one bare bucket). */
  const failureOfBucket = (suppress: boolean): string => {
    const app = tempApp();
    Validations.of(app).addPlugins(new ControlTowerGuard());
    const bucket = new Bucket(new Stack(app, 'stack'), 'bucket');
    if (suppress) suppressGuard(bucket, { s3_bucket_object_lock_enabled_check: REASON });
    try {
      Template.fromStack(Stack.of(bucket));
    } catch (error) {
      return String(error);
    }
    throw new Error('the synthesis passed the controls');
  };

  it('fails the synthesis on a control the template does not meet, naming the rule', () => {
    expect(failureOfBucket(false)).toMatch(/s3_bucket_object_lock_enabled_check/);
  });

  it('leaves out what the template suppresses, and only that', () => {
    const failure = failureOfBucket(true);
    expect(failure).toMatch(/s3_bucket_versioning_enabled_check/);
    expect(failure).not.toMatch(/s3_bucket_object_lock_enabled_check/);
  });
});

describe('controlTowerRulesFor', () => {
  it("keeps the rules that name one of the template's resource types, and only those", () => {
    const names = (types: string[]) =>
      controlTowerRulesFor(new Set(types)).map((file) => file.split('/').slice(-2).join('/'));
    expect(names(['AWS::SQS::Queue'])).toEqual(['sqs/ct-sqs-pr-1.guard', 'sqs/ct-sqs-pr-2.guard']);
    // Rules of other services that name a bucket (their log destinations) come along; they find nothing to check.
    const forBucket = names(['AWS::S3::Bucket']);
    expect(forBucket).toEqual(expect.arrayContaining(['s3/ct-s3-pr-9.guard', 's3/ct-s3-pr-11.guard']));
    expect(forBucket.filter((name) => /^(sqs|lambda|dynamodb|apigateway)\//.test(name))).toEqual([]);
    expect(names(['AWS::Nothing::Here'])).toEqual([]);
  });
});
