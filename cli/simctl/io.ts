import type { AwsCredentialIdentity, Provider } from '@smithy/types';

/** Where output goes: process.stdout/stderr, or a buffer in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Everything simctl touches outside itself, so tests can run it in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read for the terminate confirmation. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: a bulk run saves its state and exits 130. */
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** AWS credentials for SigV4 (default: the standard AWS provider chain). */
  credentials?: Provider<AwsCredentialIdentity>;
}

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** A failure to report as one line `simctl: <message>` with an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_ERROR,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

export class InterruptedError extends CliError {
  constructor(message = 'interrupted') {
    super(message, EXIT_INTERRUPTED);
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
