import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/aws.js';
import { startLocalStack } from '#local/stack.js';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

function runToExit(
  script: string,
  timeoutMs: number,
): Promise<{ code: number | null; output: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: projectRoot,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not exit within ${timeoutMs} ms; output:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

describe('local stack lifecycle', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('leaves no open handles: a process that starts, uses and stops it exits by itself', async () => {
    // The deadline only tells an open handle (the process never exits) from a slow machine.
    const { code, output } = await runToExit('test/fixtures/local/start-stop.ts', 60_000);
    expect(output).toContain('stopped');
    expect(output).not.toContain('still open');
    expect(code).toBe(0);
  }, 90_000);

  it('keeps DynamoDB items across restarts with a data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'local-runtime-'));
    dirs.push(dataDir);
    const options = {
      port: 0,
      dataDir,
      env: {},
      pollers: false,
      schedules: false,
      applyToProcessEnv: false,
    } as const;
    const documentsFor = (endpoint: string) =>
      DynamoDBDocumentClient.from(
        new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint }),
      );

    const first = await startLocalStack(options);
    expect(first.dynamodbPath).toBe(join(dataDir, 'dynamodb'));
    const writer = documentsFor(first.endpoints.dynamodb);
    await writer.send(
      new PutCommand({ TableName: 'local-orders', Item: { orderId: 'kept', status: 'RECEIVED' } }),
    );
    writer.destroy();
    await first.stop();

    const second = await startLocalStack(options);
    try {
      const reader = documentsFor(second.endpoints.dynamodb);
      const { Item } = await reader.send(
        new GetCommand({ TableName: 'local-orders', Key: { orderId: 'kept' } }),
      );
      reader.destroy();
      expect(Item).toEqual({ orderId: 'kept', status: 'RECEIVED' });
    } finally {
      await second.stop();
    }
  });
});
