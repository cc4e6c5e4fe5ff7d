import type { OptionSpecs, ParsedArgs } from './args.js';
import type { ApiClient } from './http.js';
import type { CliIo } from './io.js';

export interface CommandContext {
  io: CliIo;
  api: ApiClient;
  json: boolean;
  values: ParsedArgs['values'];
  positionals: string[];
}

export interface Command {
  name: string;
  /** The synopsis after `simctl `, e.g. `order <orderId>`. */
  usage: string[];
  summary: string;
  options: OptionSpecs;
  /** Returns the exit code. */
  run(context: CommandContext): Promise<number>;
}
