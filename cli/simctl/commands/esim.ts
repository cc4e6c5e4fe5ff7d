import { writeFile } from 'node:fs/promises';
import QRCode from 'qrcode';
import { esimResponseSchema } from '#shared/api/schemas.js';
import { expectPositionals, flag, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { CliError, EXIT_OK } from '../io.js';
import { fields, writeJson, writeLine } from '../output.js';

const PNG_DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/;
const HIDDEN = '(hidden: add --show-code)';

/** The activation code and the LPA (which contains it) are the end user's credentials. */
function reveal(value: string | null, show: boolean): string | null {
  if (value === null) return null;
  return show ? value : '<hidden>';
}

export const esimCommand: Command = {
  name: 'esim',
  usage: ['esim <iccid> [--qr] [--out FILE.png] [--show-code]'],
  summary: "An eSIM's profile status; its QR code in the terminal or as a PNG",
  options: {
    qr: { type: 'boolean', description: 'Draw the QR code (the LPA string) in the terminal' },
    out: { type: 'string', value: 'FILE', description: 'Write the QR code PNG to FILE' },
    'show-code': { type: 'boolean', description: 'Print the activation code and the LPA string' },
  },
  async run({ api, io, json, positionals, values }) {
    const [iccid] = expectPositionals(positionals, ['<iccid>']);
    const showCode = flag(values, 'show-code');
    const out = stringOption(values, 'out');
    const esim = await api.request('GET', `/v1/sims/${encodeURIComponent(iccid as string)}/esim`, {
      schema: esimResponseSchema,
      retry: true,
    });

    if (out !== undefined) {
      const png = PNG_DATA_URL.exec(esim.qrCodePng ?? '')?.[1];
      if (!png) throw new CliError(`SIM ${esim.iccid} has no QR code yet (eSIM status ${esim.status})`);
      await writeFile(out, Buffer.from(png, 'base64'), { mode: 0o600 });
    }
    if (json) {
      writeJson(io.stdout, {
        iccid: esim.iccid,
        status: esim.status,
        activationCode: reveal(esim.activationCode, showCode),
        lpa: reveal(esim.lpa, showCode),
        qrCodePng: reveal(esim.qrCodePng, showCode),
        ...(out === undefined ? {} : { pngFile: out }),
      });
    } else {
      writeLine(
        io.stdout,
        fields([
          ['SIM', esim.iccid],
          ['eSIM status', esim.status],
          [
            'Activation code',
            esim.activationCode === null ? 'none yet' : showCode ? esim.activationCode : HIDDEN,
          ],
          ['LPA', esim.lpa === null ? 'none yet' : showCode ? esim.lpa : HIDDEN],
          ['QR code PNG', out === undefined ? undefined : `written to ${out}`],
        ]),
      );
    }
    if (flag(values, 'qr')) {
      if (esim.lpa === null)
        throw new CliError(`SIM ${esim.iccid} has no LPA string yet (eSIM status ${esim.status})`);
      // On a terminal, explicit colours keep the code scannable on dark themes; elsewhere plain blocks.
      const drawing = io.stdout.isTTY
        ? await QRCode.toString(esim.lpa, { type: 'terminal', small: true, errorCorrectionLevel: 'M' })
        : await QRCode.toString(esim.lpa, { type: 'utf8', errorCorrectionLevel: 'M', margin: 2 });
      // With --json the drawing goes to stderr, so stdout stays parseable.
      (json ? io.stderr : io.stdout).write(drawing.endsWith('\n') ? drawing : `${drawing}\n`);
    }
    return EXIT_OK;
  },
};
