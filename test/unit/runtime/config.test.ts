import { describe, expect, it, vi } from 'vitest';
import { ConfigError, envSchema, loadConfig } from '#shared/wiring/config.js';
import { eventsTopicEnv } from '#shared/wiring/env/events-topic.js';
import { activationQueueEnv } from '#shared/wiring/env/queues.js';
import { runtimeEnv } from '#shared/wiring/env/runtime.js';
import { ordersTableEnv } from '#shared/wiring/env/tables.js';
import { transatelApiEnv } from '#shared/wiring/env/transatel.js';
import { activationDeadlineEnv } from '#shared/wiring/env/workflow.js';

const workerSchema = envSchema(
  runtimeEnv,
  ordersTableEnv,
  activationDeadlineEnv,
  transatelApiEnv,
  activationQueueEnv,
);

const validEnv = {
  STAGE: 'dev',
  ORDERS_TABLE_NAME: 'orders-dev',
  TRANSATEL_BASE_URL: 'https://api.transatel.example/',
  TRANSATEL_MVNO_REF: 'M2MA_WW_TSL_ACME',
  ACTIVATION_QUEUE_URL: 'http://sqs.us-east-1.localhost:4566/000000000000/activation',
  UNRELATED: 'ignored',
};

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns typed config with defaults applied', () => {
    const config = loadConfig(workerSchema, validEnv);
    expect(config).toEqual({
      STAGE: 'dev',
      LOG_LEVEL: 'INFO',
      ORDERS_TABLE_NAME: 'orders-dev',
      ACTIVATION_DEADLINE_SECONDS: 3600,
      TRANSATEL_BASE_URL: 'https://api.transatel.example',
      TRANSATEL_MVNO_REF: 'M2MA_WW_TSL_ACME',
      TRANSATEL_COS: 'WW_M2MA_COS_IOT_CONNECT',
      TRANSATEL_RATE_PLAN: 'M2MA_WW_TSL_IOTCONNECT_CAPPED',
      TRANSATEL_DEFAULT_OPTIONS: [],
      ACTIVATION_QUEUE_URL: 'http://sqs.us-east-1.localhost:4566/000000000000/activation',
    });
  });

  it('parses numbers, log levels and the default options JSON', () => {
    const config = loadConfig(workerSchema, {
      ...validEnv,
      ACTIVATION_DEADLINE_SECONDS: '900',
      LOG_LEVEL: 'debug',
      TRANSATEL_DEFAULT_OPTIONS: '[{"name":"OFFER_901_IOT_CONNECT_CAP_PRICING","value":"IOTC_REF_BUNDLES"}]',
    });
    expect(config.ACTIVATION_DEADLINE_SECONDS).toBe(900);
    expect(config.LOG_LEVEL).toBe('DEBUG');
    expect(config.TRANSATEL_DEFAULT_OPTIONS).toEqual([
      { name: 'OFFER_901_IOT_CONNECT_CAP_PRICING', value: 'IOTC_REF_BUNDLES' },
    ]);
  });

  it('names every missing and every bad variable in one message', () => {
    const error = configError(() =>
      loadConfig(workerSchema, {
        ...validEnv,
        ORDERS_TABLE_NAME: undefined,
        ACTIVATION_DEADLINE_SECONDS: '-5',
      }),
    );
    expect(error.message).toBe(
      'Invalid environment: ORDERS_TABLE_NAME is required; ACTIVATION_DEADLINE_SECONDS must be a positive integer',
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'ORDERS_TABLE_NAME',
      'ACTIVATION_DEADLINE_SECONDS',
    ]);
  });

  it('treats empty and blank values as missing', () => {
    const error = configError(() => loadConfig(ordersTableEnv, { ORDERS_TABLE_NAME: '' }));
    expect(error.message).toBe('Invalid environment: ORDERS_TABLE_NAME is required');
    expect(() => loadConfig(ordersTableEnv, { ORDERS_TABLE_NAME: '   ' })).toThrow(
      'ORDERS_TABLE_NAME is required',
    );
  });

  it.each([
    ['ACTIVATION_DEADLINE_SECONDS', '1.5', 'ACTIVATION_DEADLINE_SECONDS must be a positive integer'],
    ['ACTIVATION_DEADLINE_SECONDS', '0', 'ACTIVATION_DEADLINE_SECONDS must be a positive integer'],
    ['TRANSATEL_BASE_URL', 'ftp://files.example', 'TRANSATEL_BASE_URL must be an http(s) URL'],
    ['TRANSATEL_BASE_URL', 'not a url', 'TRANSATEL_BASE_URL must be an http(s) URL'],
    ['LOG_LEVEL', 'LOUD', 'LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT'],
    ['STAGE', 'Prod!', 'STAGE must be a lowercase stage name'],
    [
      'TRANSATEL_DEFAULT_OPTIONS',
      '{not json',
      'TRANSATEL_DEFAULT_OPTIONS must be a JSON array of {name, value}',
    ],
    [
      'TRANSATEL_DEFAULT_OPTIONS',
      '{"name":"A"}',
      'TRANSATEL_DEFAULT_OPTIONS must be a JSON array of {name, value}',
    ],
    ['TRANSATEL_DEFAULT_OPTIONS', '[{"name":"A"}]', 'TRANSATEL_DEFAULT_OPTIONS[0].value is required'],
    ['TRANSATEL_RATE_PLAN', 'R'.repeat(51), 'TRANSATEL_RATE_PLAN is too long'],
    ['TRANSATEL_MVNO_REF', '  ', 'TRANSATEL_MVNO_REF is required'],
  ])('reports %s=%j as "%s"', (variable, value, expected) => {
    const error = configError(() => loadConfig(workerSchema, { ...validEnv, [variable]: value }));
    expect(error.message).toContain(expected);
    expect(error.issues).toHaveLength(1);
  });

  it('never echoes a value', () => {
    const error = configError(() =>
      loadConfig(workerSchema, {
        ...validEnv,
        TRANSATEL_BASE_URL: 'hunter2-secret-ish',
        LOG_LEVEL: 'hunter3',
      }),
    );
    expect(error.message).not.toMatch(/hunter/);
  });

  it('validates an SNS topic ARN', () => {
    expect(
      loadConfig(eventsTopicEnv, { EVENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:events' }),
    ).toEqual({
      EVENTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:events',
    });
    expect(() => loadConfig(eventsTopicEnv, { EVENTS_TOPIC_ARN: 'events' })).toThrow(
      'EVENTS_TOPIC_ARN must be an SNS topic ARN',
    );
  });

  it('reads process.env by default', () => {
    vi.stubEnv('ORDERS_TABLE_NAME', 'orders-from-process');
    try {
      expect(loadConfig(ordersTableEnv)).toEqual({ ORDERS_TABLE_NAME: 'orders-from-process' });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
