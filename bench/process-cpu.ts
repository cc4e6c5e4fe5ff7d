import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPU time of this process's child processes (the emulators, the events worker's host, the simulator), read
 * from Linux's /proc: the bulk run's stack process measures only itself, and the machine's cores are shared by
 * all of them. Elsewhere (no /proc) nothing is read and the figures are left out.
 */

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface ProcessCpu {
  pid: number;
  /** What the process runs: its entry module's name. */
  name: string;
  seconds: number;
}

/** `/proc/<pid>/stat`'s fields after the command name, which may itself hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function entryName(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const entry = args.find((arg) => /\.(ts|js|mjs)$/.test(arg) && !arg.includes('node_modules'));
    return entry ? (entry.split('/').at(-1) ?? entry) : (args[0] ?? String(pid));
  } catch {
    return String(pid);
  }
}

/** The CPU seconds used so far by each live child of this process (empty without /proc). */
export function childProcessCpu(parent = process.pid): ProcessCpu[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const children: ProcessCpu[] = [];
  for (const pid of pids) {
    const fields = statFields(pid);
    // After the name: state (0), ppid (1), ..., utime (11), stime (12).
    if (!fields || Number(fields[1]) !== parent) continue;
    const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    children.push({ pid, name: entryName(pid), seconds });
  }
  return children;
}

/** What each child used between two readings (children gone by the second reading are left out). */
export function cpuBetween(before: readonly ProcessCpu[], after: readonly ProcessCpu[]): ProcessCpu[] {
  const start = new Map(before.map((child) => [child.pid, child.seconds]));
  return after.map((child) => ({ ...child, seconds: child.seconds - (start.get(child.pid) ?? 0) }));
}

export const machineCores = availableParallelism();
