import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iccidFor } from '#local/simulator/index.js';
import type { LocalStack } from '#local/stack.js';
import { simctl, simulatorCounters, startTestStack } from './harness.js';

const PLAN = 'IOTC_CAPPED_EU_1GB_1M';
const BAD_LUHN = '8988247000000000000';
const sims = {
  available: iccidFor('available', 1_100),
  active: iccidFor('active', 2),
  activeForSuspend: iccidFor('active', 3),
  activeForTerminate: iccidFor('active', 4),
  activeEsim: iccidFor('active-esim', 0),
  suspended: iccidFor('suspended', 0),
  terminated: iccidFor('terminated', 0),
};

describe('simctl against the local stack', () => {
  let stack: LocalStack;
  let dir: string;
  const cli = (...argv: string[]) => simctl(argv, { url: stack.url });

  beforeAll(async () => {
    stack = await startTestStack();
    dir = await mkdtemp(join(tmpdir(), 'simctl-'));
  });
  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints help, and refuses unknown commands and options as usage errors (exit 2)', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const name of [
      'activate',
      'order',
      'balance',
      'events',
      'plans',
      'policies',
      'esim',
      'sims',
      'suspend',
      'reactivate',
      'terminate',
    ]) {
      expect(help.stdout).toContain(`  ${name} `);
    }
    expect((await cli()).code).toBe(2);
    const unknown = await cli('frobnicate');
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^simctl: unknown command 'frobnicate'/);
    const badOption = await cli('plans', '--colour', 'red');
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("simctl: Unknown option '--colour'");
  });

  it('plans --country FR: a table of the plans covering France; a bad country is one 400 line', async () => {
    const result = await cli('plans', '--country', 'FR');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^PLAN\s+NAME\s+DATA\s+VALIDITY\s+PRICE\s+CATEGORY\s+COUNTRIES$/);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((row) => row.includes('FR'))).toBe(true);
    expect(result.stdout).toContain(PLAN);

    const json = await cli('plans', '--country', 'fr', '--json');
    const { plans } = JSON.parse(json.stdout) as { plans: { planId: string; countries: string[] }[] };
    expect(plans.map((plan) => plan.planId)).toContain(PLAN);
    expect(plans.every((plan) => plan.countries.includes('FR'))).toBe(true);

    const bad = await cli('plans', '--country', 'FRA');
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toBe(
      'simctl: 400 Invalid request: query.country: must be an ISO 3166-1 alpha-2 country code such as FR\n',
    );
  });

  it('balance: a table by default, the API answer with --json; a SIM not active yet is a 409', async () => {
    const table = await cli('balance', sims.active);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`SIM ${sims.active}`);
    expect(table.stdout).toMatch(/PLAN\s+SUBSCRIPTION\s+STATUS\s+USED\s+REMAINING\s+TOTAL\s+EXPIRES/);

    const json = await cli('balance', sims.active, '--json');
    const balance = JSON.parse(json.stdout) as { iccid: string; plans: { planId: string }[] };
    expect(balance.iccid).toBe(sims.active);
    for (const plan of balance.plans) expect(table.stdout).toContain(plan.planId);

    const notActive = await cli('balance', sims.available);
    expect(notActive.code).toBe(1);
    expect(notActive.stderr).toMatch(
      /^simctl: 409 SIM_NOT_ACTIVE: SIM \d+ has no MSISDN yet \(status Available\)/,
    );
    expect(notActive.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('sims --status Active lists Active SIMs only, page by page; a bad status is a usage error', async () => {
    const page = await cli('sims', '--status', 'Active', '--page-size', '5');
    expect(page.code).toBe(0);
    const lines = page.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ICCID\s+STATUS\s+MSISDN/);
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => /^\d{19,20}\s+Active\s/.test(row))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Page 1 of \d+: 5 of \d+ SIMs \(--page 2 for more/);

    const json = JSON.parse((await cli('sims', '--status', 'suspended', '--json')).stdout) as {
      sims: { status: string }[];
      total: number;
    };
    expect(json.total).toBeGreaterThan(0);
    expect(json.sims.every((sim) => sim.status === 'Suspended')).toBe(true);

    const bad = await cli('sims', '--status', 'Sleeping');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'simctl: --status must be one of Available, Pre-activated, Active, TestMode, Suspended, Terminated',
    );
  });

  it('activate <iccid> --plan P --wait follows the order to COMPLETED; order <id> shows it; bad input is one line', async () => {
    const accepted = await cli('activate', sims.available, '--plan', PLAN, '--json');
    expect(accepted.code).toBe(0);
    const { orderId, status } = JSON.parse(accepted.stdout) as { orderId: string; status: string };
    expect(status).toBe('RECEIVED');

    const followed = await simctl(['order', orderId, '--json'], { url: stack.url });
    expect(JSON.parse(followed.stdout)).toMatchObject({ orderId, iccid: sims.available, planId: PLAN });

    const waited = await cli(
      'activate',
      iccidFor('available', 1_101),
      '--plan',
      PLAN,
      '--wait',
      '--poll-interval',
      '0.2',
    );
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/^Status\s+COMPLETED$/m);
    expect(waited.stdout).toMatch(/^Subscription\s+\S+$/m);

    const history = await cli('events', iccidFor('available', 1_101), '--all');
    expect(history).toMatchObject({ code: 0, stderr: '' });
    expect(history.stdout).toMatch(/^AT\s+SOURCE\s+TYPE\s+SUMMARY\n/);
    expect(history.stdout).toMatch(/^\S+ \S+\s+order\s+order\.COMPLETED\s+plan subscribed$/m);
    expect(history.stdout).toMatch(
      new RegExp(
        `^\\S+ \\S+\\s+operator\\s+operator\\.action\\s+activation with plan ${PLAN}: 202 \\(by local\\)$`,
        'm',
      ),
    );

    const order = await cli('order', orderId);
    expect(order.code).toBe(0);
    expect(order.stdout).toMatch(new RegExp(`^Order\\s+${orderId}$`, 'm'));
    expect(order.stdout).toMatch(/^AT\s+STATUS\s+NOTE$/m);

    const badIccid = await cli('activate', BAD_LUHN, '--plan', PLAN);
    expect(badIccid).toMatchObject({ code: 1, stdout: '' });
    expect(badIccid.stderr).toBe(
      'simctl: 400 Invalid request: params.iccid: ICCID check digit (Luhn) is wrong\n',
    );

    const unknownPlan = await cli('activate', iccidFor('available', 1_102), '--plan', 'NO_SUCH_PLAN');
    expect(unknownPlan.stderr).toBe(
      "simctl: 400 Invalid request: body.planId: unknown plan 'NO_SUCH_PLAN': see GET /v1/plans\n",
    );

    const unknownOrder = await cli('order', '01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(unknownOrder.code).toBe(1);
    expect(unknownOrder.stderr).toBe(
      'simctl: 404 ORDER_NOT_FOUND: Order 01ARZ3NDEKTSV4RRFFQ69G5FAV does not exist\n',
    );
  });

  it('esim --qr draws the QR code without printing the activation code; --out writes the PNG; a physical SIM is a 404', async () => {
    const shown = await cli('esim', sims.activeEsim, '--show-code', '--json');
    const { activationCode, lpa } = JSON.parse(shown.stdout) as { activationCode: string; lpa: string };
    expect(lpa).toContain(activationCode);

    const png = join(dir, 'esim.png');
    const drawn = await cli('esim', sims.activeEsim, '--qr', '--out', png);
    expect(drawn.code).toBe(0);
    expect(drawn.stdout).toContain('(hidden: add --show-code)');
    expect(drawn.stdout).toMatch(/[█▀▄]{7}/);
    expect(drawn.stdout).not.toContain(activationCode);
    const bytes = await readFile(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    const json = await cli('esim', sims.activeEsim, '--json');
    expect(json.stdout).not.toContain(activationCode);
    expect(JSON.parse(json.stdout)).toMatchObject({ iccid: sims.activeEsim, activationCode: '<hidden>' });

    const physical = await cli('esim', sims.active, '--qr');
    expect(physical.code).toBe(1);
    expect(physical.stderr).toMatch(/^simctl: 404 ESIM_NOT_FOUND: /);
  });

  it('suspend and reactivate: accepted with a transaction; a wrong state is a 422 line', async () => {
    const suspended = await cli('suspend', sims.activeForSuspend);
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toMatch(
      new RegExp(
        `^Suspension of SIM ${sims.activeForSuspend} accepted by Transatel: transaction \\S+ \\(PENDING\\)\\n$`,
      ),
    );
    const reactivated = await cli('reactivate', sims.suspended, '--json');
    expect(reactivated.code).toBe(0);
    expect(JSON.parse(reactivated.stdout)).toMatchObject({ iccid: sims.suspended, status: 'PENDING' });

    const notSuspended = await cli('reactivate', sims.active);
    expect(notSuspended.code).toBe(1);
    expect(notSuspended.stderr).toMatch(/^simctl: 422 \S+: .*reactivate/);
    const terminated = await cli('suspend', sims.terminated);
    expect(terminated.code).toBe(1);
    expect(terminated.stderr).toMatch(/^simctl: 422 /);
  });

  it('terminate asks for confirmation unless --yes; no answer, no call', async () => {
    const before = simulatorCounters(stack).lifecycleBySim[sims.activeForTerminate]?.TERMINATE ?? 0;
    const refused = await simctl(['terminate', sims.activeForTerminate], { url: stack.url, stdin: 'no\n' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Terminate SIM ${sims.activeForTerminate}? This cannot be undone.`);
    expect(refused.stderr).toContain('simctl: not confirmed');
    const silent = await simctl(['terminate', sims.activeForTerminate], { url: stack.url });
    expect(silent.code).toBe(1);
    expect(simulatorCounters(stack).lifecycleBySim[sims.activeForTerminate]?.TERMINATE ?? 0).toBe(before);

    const confirmed = await simctl(['terminate', sims.activeForTerminate], {
      url: stack.url,
      stdin: 'yes\n',
    });
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(/^Termination of SIM \d+ accepted by Transatel/);
    expect(simulatorCounters(stack).lifecycleBySim[sims.activeForTerminate]?.TERMINATE).toBe(before + 1);

    const again = await cli('terminate', sims.terminated, '--yes');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^simctl: 422 \S+: Invalid subscriber status for terminate/);
  });

  it('an unreachable API is one line and exit 1', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const result = await simctl(['plans'], { url: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `simctl: cannot reach http://127.0.0.1:${port} (ECONNREFUSED): is the local system running (npm start)?\n`,
    );
  });
});
