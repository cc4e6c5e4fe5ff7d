import { readFile } from 'node:fs/promises';
import type * as z from 'zod';
import { policiesResponseSchema, policySchema } from '#shared/api/schemas.js';
import { expectPositionals, stringOption } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import type { ApiClient } from '../http.js';
import { CliError, type CliIo, EXIT_OK, UsageError } from '../io.js';
import { count, fields, formatPrice, formatTime, table, writeJson, writeLine } from '../output.js';

export type Policy = z.output<typeof policySchema>;

const subcommands = ['list', 'get', 'put', 'delete'] as const;
type Subcommand = (typeof subcommands)[number];

const path = (policyId: string) => `/v1/policies/${encodeURIComponent(policyId)}`;

/** ICCIDs of a scope shown by `get` before `and N more`. */
const SHOWN_ICCIDS = 5;

function describeScope(scope: Policy['scope'], listIccids = false): string {
  if ('group' in scope) return `group ${scope.group}`;
  if ('all' in scope) return 'all SIMs';
  const sims = count(scope.iccids.length, 'SIM');
  if (!listIccids) return sims;
  const shown = scope.iccids.slice(0, SHOWN_ICCIDS).join(' ');
  const more = scope.iccids.length - SHOWN_ICCIDS;
  return `${sims}: ${shown}${more > 0 ? ` and ${more} more (--json lists them)` : ''}`;
}

function describeTrigger(trigger: Policy['trigger']): string {
  switch (trigger.on) {
    case 'exhausted':
      return 'data exhausted';
    case 'threshold':
      return `${trigger.percent} % of the data used`;
    case 'expiring':
      return `${count(trigger.daysBefore, 'day')} before the plan expires`;
  }
}

function describeLimits(limits: Policy['limits']): string {
  const perSim = `${limits.maxPerSimPerMonth} per SIM a month`;
  const budget = limits.monthlyBudget;
  return budget ? `${perSim}, ${formatPrice(budget.amountMinor, budget.currency)} a month` : perSim;
}

const yesNo = (enabled: boolean) => (enabled ? 'yes' : 'no');

export function formatPolicy(policy: Policy): string {
  return fields([
    ['Policy', policy.policyId],
    ['Enabled', yesNo(policy.enabled)],
    ['Scope', describeScope(policy.scope, true)],
    ['Trigger', describeTrigger(policy.trigger)],
    ['Plan', policy.action.planId],
    ['Limits', describeLimits(policy.limits)],
    ['Created', formatTime(policy.createdAt)],
    ['Updated', formatTime(policy.updatedAt)],
  ]);
}

function formatPolicies(policies: readonly Policy[]): string {
  if (policies.length === 0) return 'No policies.';
  return table(
    ['POLICY', 'ENABLED', 'SCOPE', 'TRIGGER', 'PLAN', 'LIMITS', 'UPDATED'],
    policies.map((policy) => [
      policy.policyId,
      yesNo(policy.enabled),
      describeScope(policy.scope),
      describeTrigger(policy.trigger),
      policy.action.planId,
      describeLimits(policy.limits),
      formatTime(policy.updatedAt),
    ]),
  );
}

async function readAll(stream: CliIo['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The policy of `--file F` (`-`: stdin), parsed as JSON; the API says what is wrong with it. */
async function readPolicyFile(io: CliIo, file: string): Promise<unknown> {
  const name = file === '-' ? 'stdin' : file;
  let text: string;
  try {
    text = file === '-' ? await readAll(io.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${name} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function policyIdOf(positionals: readonly string[]): string {
  const [policyId] = expectPositionals(positionals, ['<policyId>']) as [string];
  if (policyId === '') throw new UsageError('<policyId> must not be empty');
  return policyId;
}

async function run(subcommand: Subcommand, { api, io, json, positionals, values }: CommandContext) {
  if (subcommand !== 'put' && stringOption(values, 'file') !== undefined) {
    throw new UsageError('--file goes with put');
  }
  const print = (value: unknown, text: string) =>
    json ? writeJson(io.stdout, value) : writeLine(io.stdout, text);
  switch (subcommand) {
    case 'list': {
      expectPositionals(positionals, []);
      const answer = await api.request('GET', '/v1/policies', {
        schema: policiesResponseSchema,
        retry: true,
      });
      print(answer, formatPolicies(answer.policies));
      return;
    }
    case 'get': {
      const policy = await getPolicy(api, policyIdOf(positionals));
      print(policy, formatPolicy(policy));
      return;
    }
    case 'put': {
      const policyId = policyIdOf(positionals);
      const file = stringOption(values, 'file');
      if (file === undefined) throw new UsageError('put needs --file F, the policy as JSON (- for stdin)');
      const body = await readPolicyFile(io, file);
      // A PUT is idempotent: a retry after a lost answer stores the same policy (answered as replaced).
      const { status, body: policy } = await api.requestWithStatus('PUT', path(policyId), {
        body,
        schema: policySchema,
        retry: true,
      });
      print(
        policy,
        `Policy ${policyId} ${status === 201 ? 'created' : 'replaced'}\n\n${formatPolicy(policy)}`,
      );
      return;
    }
    case 'delete': {
      const policyId = policyIdOf(positionals);
      // Not retried: a retry after a lost answer would be told 404 for a policy it did delete.
      await api.request('DELETE', path(policyId));
      // The API answers 204 without a body: --json says what was done instead.
      print({ policyId, deleted: true }, `Policy ${policyId} deleted`);
      return;
    }
  }
}

export function getPolicy(api: ApiClient, policyId: string): Promise<Policy> {
  return api.request('GET', path(policyId), { schema: policySchema, retry: true });
}

export const policiesCommand: Command = {
  name: 'policies',
  usage: [
    'policies list',
    'policies get <policyId>',
    'policies put <policyId> --file F',
    'policies delete <policyId>',
  ],
  summary: 'Top-up policies: list, show, create or replace (from a JSON file), delete',
  options: {
    file: {
      type: 'string',
      short: 'f',
      value: 'F',
      description: 'put: the policy as JSON, e.g. {"scope":{"group":"G"},...} (- reads stdin)',
    },
  },
  async run(context) {
    const [subcommand, ...rest] = context.positionals;
    if (subcommand === undefined) throw new UsageError(`missing subcommand: ${subcommands.join(', ')}`);
    if (!(subcommands as readonly string[]).includes(subcommand)) {
      throw new UsageError(`unknown subcommand '${subcommand}': ${subcommands.join(', ')}`);
    }
    await run(subcommand as Subcommand, { ...context, positionals: rest });
    return EXIT_OK;
  },
};
