import { createInterface } from 'node:readline';
import { transactionAcceptedSchema } from '#shared/api/schemas.js';
import { expectPositionals, flag, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { CliError, type CliIo, EXIT_OK, InterruptedError } from '../io.js';
import { writeJson, writeLine } from '../output.js';

type Action = 'suspend' | 'reactivate' | 'terminate';

const verbs: Record<Action, string> = {
  suspend: 'Suspension',
  reactivate: 'Reactivation',
  terminate: 'Termination',
};

/** One line from stdin; undefined at end of input. Ctrl-C while waiting is an interruption. */
async function readAnswer(io: CliIo, prompt: string): Promise<string | undefined> {
  io.stderr.write(prompt);
  const lines = createInterface({ input: io.stdin, terminal: false });
  const stop = () => lines.close();
  io.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const line of lines) return line;
    if (io.signal?.aborted) {
      io.stderr.write('\n');
      throw new InterruptedError();
    }
    return undefined;
  } finally {
    io.signal?.removeEventListener('abort', stop);
    lines.close();
  }
}

function lifecycleCommand(action: Action, summary: string): Command {
  const confirm = action === 'terminate';
  return {
    name: action,
    usage: [`${action} <iccid>${confirm ? ' [--yes]' : ''} [--reference R]`],
    summary,
    options: {
      reference: { type: 'string', value: 'R', description: 'External reference sent with the request' },
      ...(confirm
        ? { yes: { type: 'boolean', short: 'y', description: 'Do not ask for confirmation' } }
        : {}),
    },
    async run({ api, io, json, positionals, values }) {
      const [iccid] = expectPositionals(positionals, ['<iccid>']) as [string];
      if (confirm && !flag(values, 'yes')) {
        const answer = await readAnswer(
          io,
          `Terminate SIM ${iccid}? This cannot be undone. Type "yes" to confirm: `,
        );
        // Typed answers end the prompt's line themselves; piped ones are not echoed.
        if (!io.stdin.isTTY) io.stderr.write('\n');
        if (answer?.trim().toLowerCase() !== 'yes') {
          throw new CliError('not confirmed: SIM left as it was (use --yes to skip the question)');
        }
      }
      const reference = stringOption(values, 'reference');
      const accepted = await api.request('POST', `/v1/sims/${encodeURIComponent(iccid)}/${action}`, {
        ...(reference === undefined ? {} : { body: { reference } }),
        schema: transactionAcceptedSchema,
      });
      if (json) writeJson(io.stdout, accepted);
      else
        writeLine(
          io.stdout,
          `${verbs[action]} of SIM ${accepted.iccid} accepted by Transatel: ${
            accepted.transactionId ? `transaction ${accepted.transactionId}` : 'no transaction named'
          } (${accepted.status})`,
        );
      return EXIT_OK;
    },
  };
}

export const suspendCommand = lifecycleCommand('suspend', 'Suspend a SIM');
export const reactivateCommand = lifecycleCommand('reactivate', 'Reactivate a suspended SIM');
export const terminateCommand = lifecycleCommand('terminate', 'Terminate a SIM (asks for confirmation)');
