import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { schedulesFinding } from '#infra/constructs/job-schedules.js';
import { synthStage } from './synth.js';

/**
 * The CLI resolves the region (and the account, given credentials) that the other infra tests leave as tokens:
 * a suppression written against `<AWS::Region>` would stop matching there, and `cdk synth` would fail.
 */
describe.each([
  { label: 'region only, as the CLI without credentials', env: { CDK_DEFAULT_REGION: 'us-east-1' } },
  {
    label: 'account and region, as the CLI with credentials',
    env: { CDK_DEFAULT_ACCOUNT: '123456789012', CDK_DEFAULT_REGION: 'eu-west-3' },
  },
])('stack of stage dev, $label', ({ env }) => {
  it("leaves no cdk-nag finding unsuppressed, and meets Control Tower's controls but the stated ones", () => {
    // With the controls on, the synthesis itself throws on any violation the template does not suppress.
    const { stack, dispose } = synthStage('dev', { nag: true, guard: true, env });
    try {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    } finally {
      dispose();
    }
  });
});

describe('schedulesFinding', () => {
  const matches = (finding: string) => {
    const [, source = '', flags] =
      /^\/(.*)\/([a-z]*)$/.exec(schedulesFinding('iot-capped-plans-dev-jobs')) ?? [];
    return new RegExp(source, flags).test(finding);
  };

  it('matches the finding with tokens and with literals, for that group only', () => {
    const schedule = 'schedule/iot-capped-plans-dev-jobs/*';
    expect(
      matches(`Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:${schedule}`),
    ).toBe(true);
    expect(matches(`Resource::arn:aws:scheduler:us-east-1:<AWS::AccountId>:${schedule}`)).toBe(true);
    expect(matches(`Resource::arn:aws-cn:scheduler:cn-north-1:123456789012:${schedule}`)).toBe(true);
    expect(
      matches('Resource::arn:aws:scheduler:us-east-1:123456789012:schedule/iot-capped-plans-prod-jobs/*'),
    ).toBe(false);
    expect(matches('Resource::arn:aws:scheduler:us-east-1:123456789012:schedule/*')).toBe(false);
    expect(matches('Resource::*')).toBe(false);
  });
});
