import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '#local/stack.js';
import { simctl } from './harness.js';

const POLICY = {
  scope: { group: 'G' },
  trigger: { on: 'exhausted' },
  action: { planId: 'IOTC_CAPPED_EU_1GB_1M' },
  limits: { maxPerSimPerMonth: 2 },
};

describe('simctl policies against the local stack', () => {
  let stack: LocalStack;
  let dir: string;
  const cli = (...argv: string[]) => simctl(argv, { url: stack.url });
  const apiGet = async (path: string) => (await fetch(`${stack.url}${path}`)).json();
  const policyFile = async (name: string, body: unknown) => {
    const file = join(dir, name);
    await writeFile(file, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
    return file;
  };

  beforeAll(async () => {
    // No queue work here: the policies API needs the gateway, DynamoDB and catalog-sync's copy (made at start).
    stack = await startLocalStack({ port: 0, pollers: false, env: {} });
    dir = await mkdtemp(join(tmpdir(), 'simctl-policies-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is listed by --help, and has help of its own', async () => {
    expect((await cli('--help')).stdout).toMatch(/^ {2}policies +Top-up policies/m);
    const help = await cli('policies', '--help');
    expect(help.code).toBe(0);
    for (const usage of ['policies list', 'policies get <policyId>', 'policies put <policyId> --file F']) {
      expect(help.stdout).toContain(`simctl ${usage}`);
    }
  });

  it('list says so when there is no policy yet', async () => {
    expect(await cli('policies', 'list')).toEqual({ code: 0, stdout: 'No policies.\n', stderr: '' });
    const json = await cli('policies', 'list', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ policies: [] });
  });

  it('put --file creates a policy, then replaces it; --json prints the API answer', async () => {
    const created = await cli(
      'policies',
      'put',
      'fleet-eu',
      '--file',
      await policyFile('fleet-eu.json', POLICY),
    );
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const lines = created.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Policy fleet-eu created');
    expect(lines.slice(2)).toEqual([
      'Policy   fleet-eu',
      'Enabled  yes',
      'Scope    group G',
      'Trigger  data exhausted',
      'Plan     IOTC_CAPPED_EU_1GB_1M',
      'Limits   2 per SIM a month',
      expect.stringMatching(/^Created {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
      expect.stringMatching(/^Updated {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    ]);

    const replacement = {
      ...POLICY,
      trigger: { on: 'threshold', percent: 80 },
      limits: { maxPerSimPerMonth: 1, monthlyBudget: { amountMinor: 5_000, currency: 'EUR' } },
      enabled: false,
    };
    const file = await policyFile('fleet-eu-2.json', replacement);
    const replaced = await cli('policies', 'put', 'fleet-eu', '--file', file, '--json');
    expect(replaced.code).toBe(0);
    const answer = JSON.parse(replaced.stdout) as Record<string, unknown>;
    expect(answer).toEqual(await apiGet('/v1/policies/fleet-eu'));
    expect(answer).toMatchObject({ ...replacement, policyId: 'fleet-eu' });

    const again = await cli('policies', 'put', 'fleet-eu', '-f', file);
    expect(again.stdout).toMatch(/^Policy fleet-eu replaced\n/);
    expect(again.stdout).toContain('Trigger  80 % of the data used');
    expect(again.stdout).toContain('Limits   1 per SIM a month, 50.00 EUR a month');
    expect(again.stdout).toContain('Enabled  no');
  });

  it('put --file - reads the policy from stdin', async () => {
    const body = { ...POLICY, scope: { iccids: ['8988247000000000001', '8988247000000000019'] } };
    const result = await simctl(['policies', 'put', 'lab', '--file', '-'], {
      url: stack.url,
      stdin: JSON.stringify(body),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Scope    2 SIMs: 8988247000000000001 8988247000000000019');
  });

  it('list prints a table by policy id; get prints one policy; --json prints the API answers', async () => {
    await simctl(['policies', 'put', 'AA-all', '--file', '-'], {
      url: stack.url,
      stdin: JSON.stringify({ ...POLICY, scope: { all: true }, trigger: { on: 'expiring', daysBefore: 3 } }),
    });

    const list = await cli('policies', 'list');
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^POLICY\s+ENABLED\s+SCOPE\s+TRIGGER\s+PLAN\s+LIMITS\s+UPDATED$/);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['AA-all', 'fleet-eu', 'lab']);
    expect(rows[0]).toMatch(
      /^AA-all\s+yes\s+all SIMs\s+3 days before the plan expires\s+IOTC_CAPPED_EU_1GB_1M\s+/,
    );
    expect(rows[2]).toMatch(/^lab\s+yes\s+2 SIMs\s+data exhausted\s+/);
    const json = await cli('policies', 'list', '--json');
    expect(JSON.parse(json.stdout)).toEqual(await apiGet('/v1/policies'));

    const get = await cli('policies', 'get', 'AA-all');
    expect(get.stdout).toMatch(/^Policy {3}AA-all\nEnabled {2}yes\nScope {4}all SIMs\n/);
    const getJson = await cli('policies', 'get', 'fleet-eu', '--json');
    expect(JSON.parse(getJson.stdout)).toEqual(await apiGet('/v1/policies/fleet-eu'));
  });

  it('delete deletes; a second delete, a get or a bad id is one error line and exit 1', async () => {
    expect(await cli('policies', 'delete', 'lab')).toEqual({
      code: 0,
      stdout: 'Policy lab deleted\n',
      stderr: '',
    });
    const json = await cli('policies', 'delete', 'AA-all', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ policyId: 'AA-all', deleted: true });

    expect(await cli('policies', 'delete', 'lab')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'simctl: 404 POLICY_NOT_FOUND: Policy lab does not exist\n',
    });
    expect((await cli('policies', 'get', 'lab')).stderr).toBe(
      'simctl: 404 POLICY_NOT_FOUND: Policy lab does not exist\n',
    );
    const badId = await cli('policies', 'get', 'not/an id');
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^simctl: 400 Invalid request: params\.policyId: must be 1 to 64 letters/);
    expect((await apiGet('/v1/policies')) as unknown).toEqual({
      policies: [expect.objectContaining({ policyId: 'fleet-eu' })],
    });
  });

  it('put with a bad policy prints the API refusal naming the fields, one line, exit 1', async () => {
    const bad = await cli(
      'policies',
      'put',
      'bad',
      '--file',
      await policyFile('bad.json', { ...POLICY, trigger: { on: 'threshold', percent: 10 }, limits: {} }),
    );
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toBe(
      'simctl: 400 Invalid request: body.trigger.percent: Too small: expected number to be >=50; body.limits.maxPerSimPerMonth: is required\n',
    );

    const unknownPlan = await cli(
      'policies',
      'put',
      'bad',
      '--file',
      await policyFile('unknown-plan.json', { ...POLICY, action: { planId: 'NO_SUCH_PLAN' } }),
    );
    expect(unknownPlan.stderr).toBe(
      "simctl: 400 Invalid request: body.action.planId: unknown plan 'NO_SUCH_PLAN': see GET /v1/plans\n",
    );
    expect((await cli('policies', 'get', 'bad')).code).toBe(1);
  });

  it('a file that cannot be read or is not JSON is one line and exit 1, nothing sent', async () => {
    const missing = await cli('policies', 'put', 'p', '--file', join(dir, 'nowhere.json'));
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^simctl: cannot read .*nowhere\.json: ENOENT/);
    const garbled = await cli(
      'policies',
      'put',
      'p',
      '--file',
      await policyFile('garbled.json', '{"scope": '),
    );
    expect(garbled).toMatchObject({ code: 1, stdout: '' });
    expect(garbled.stderr).toMatch(/^simctl: .*garbled\.json is not JSON: /);
    expect(garbled.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect((await cli('policies', 'get', 'p')).code).toBe(1);
  });

  it('refuses a missing or unknown subcommand, a missing --file or policy id as usage errors (exit 2)', async () => {
    const usage: [string[], RegExp][] = [
      [['policies'], /^simctl: missing subcommand: list, get, put, delete/],
      [['policies', 'show', 'p'], /^simctl: unknown subcommand 'show'/],
      [['policies', 'put', 'p'], /^simctl: put needs --file F/],
      [['policies', 'get'], /^simctl: missing <policyId>/],
      [['policies', 'get', 'a', 'b'], /^simctl: unexpected argument 'b'/],
      [['policies', 'list', '--file', 'x.json'], /^simctl: --file goes with put/],
      [['policies', 'delete', ''], /^simctl: <policyId> must not be empty/],
    ];
    for (const [argv, message] of usage) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout, argv.join(' ')).toBe('');
      expect(result.stderr, argv.join(' ')).toMatch(message);
    }
  });
});
