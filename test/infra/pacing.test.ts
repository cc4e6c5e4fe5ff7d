import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pacedAsWorker, workerRequestsPerSecond } from '#infra/constructs/functions.js';
import { loadStageConfig, resourcePrefix } from '#infra/stages.js';
import { type FunctionName, functions, queues } from '#shared/topology.js';
import { loadConfig } from '#shared/wiring/config.js';
import { transatelApiEnv } from '#shared/wiring/env/transatel.js';
import { environmentOf, logicalIdOf, resourcesOfType } from './cfn.js';
import { synthStage } from './synth.js';

describe('workerRequestsPerSecond', () => {
  it('gives each worker container its share of 80 % of the limit, rounded down', () => {
    expect(workerRequestsPerSecond(100, 4)).toBe(20);
    expect(workerRequestsPerSecond(100, 3)).toBe(26); // 26.67
    expect(workerRequestsPerSecond(50, 20)).toBe(2);
    expect(workerRequestsPerSecond(35, 4)).toBe(7);
    expect(workerRequestsPerSecond(10, 1)).toBe(8);
  });

  it('never goes below 1 request per second', () => {
    expect(workerRequestsPerSecond(10, 9)).toBe(1); // 0.89
    expect(workerRequestsPerSecond(1, 20)).toBe(1); // 0.04
  });

  it('refuses a limit or a concurrency that is not a positive integer', () => {
    expect(() => workerRequestsPerSecond(0, 4)).toThrow(RangeError);
    expect(() => workerRequestsPerSecond(12.5, 4)).toThrow(RangeError);
    expect(() => workerRequestsPerSecond(100, 0)).toThrow(RangeError);
  });
});

describe('stack of stage dev with -c transatelMaxRps=100', () => {
  const prefix = resourcePrefix('dev');
  const functionNames = Object.keys(functions) as FunctionName[];
  const pacedWorkers = functionNames.filter(
    (name) =>
      pacedAsWorker(functions[name]) && Object.values(queues).some((queue) => queue.consumer === name),
  );
  let template: Template;
  let dispose: (() => void) | undefined;

  const fnId = (name: FunctionName) =>
    logicalIdOf(template, 'AWS::Lambda::Function', 'FunctionName', `${prefix}-${name}`);

  beforeAll(() => {
    const synthesized = synthStage('dev', { overrides: { transatelMaxRps: '100' } });
    template = synthesized.template;
    dispose = synthesized.dispose;
  });
  afterAll(() => dispose?.());

  it('paces the three Transatel workers at 13 each: 0.8 × 100 over 2 + 2 + 2 containers', () => {
    expect(pacedWorkers.sort()).toEqual(['activation-worker', 'job-worker', 'plan-worker']);
    expect(loadStageConfig('dev', {}, {}).transatel.maxConcurrency).toBe(2);
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));
    for (const name of pacedWorkers) {
      const [mapping] = mappings.filter(
        (candidate) =>
          JSON.stringify(candidate.Properties.FunctionName) === JSON.stringify({ Ref: fnId(name) }),
      );
      expect(mapping?.Properties.ScalingConfig, name).toEqual({ MaximumConcurrency: 2 });
    }

    for (const name of functionNames) {
      const variables = environmentOf(template, fnId(name));
      if (pacedWorkers.includes(name)) {
        expect(variables.TRANSATEL_MAX_RPS, name).toBe('13');
        const literal = Object.fromEntries(
          Object.entries(variables).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        );
        expect(loadConfig(transatelApiEnv, literal).TRANSATEL_MAX_RPS, name).toBe(13);
      } else {
        expect(variables, name).not.toHaveProperty('TRANSATEL_MAX_RPS');
      }
    }
  });

  it('gives the policy sweep its own share: 0.2 × 100, beside the workers; the policy worker is not paced', () => {
    expect(environmentOf(template, fnId('policy-sweep')).POLICY_SWEEP_MAX_RPS).toBe('20');
    expect(environmentOf(template, fnId('policy-worker'))).not.toHaveProperty('TRANSATEL_MAX_RPS');
    for (const name of functionNames.filter((candidate) => candidate !== 'policy-sweep'))
      expect(environmentOf(template, fnId(name)), name).not.toHaveProperty('POLICY_SWEEP_MAX_RPS');
  });

  it('gives the report worker its own share: 0.1 × 100, split between its 2 runs at once', () => {
    expect(environmentOf(template, fnId('report-worker')).REPORT_MAX_RPS).toBe('5');
    expect(environmentOf(template, fnId('report-worker'))).not.toHaveProperty('TRANSATEL_MAX_RPS');
    for (const name of functionNames.filter((candidate) => candidate !== 'report-worker'))
      expect(environmentOf(template, fnId(name)), name).not.toHaveProperty('REPORT_MAX_RPS');
  });
});
