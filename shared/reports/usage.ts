import type { NetworkUsageApi, UsageFigures } from '../transatel/network-usage.js';
import type { SimSearchApi } from '../transatel/sim-search.js';
import type { ReportRow } from './columns.js';
import type { FleetReadProgress } from './fleet-plans.js';
import type { ReportDefinition } from './report.js';

/**
 * The usage report: every SIM's data sessions over the period (Network Usage, by ICCID: one or more pages a SIM),
 * summed by the SIM's group and the country each session started in. A SIM never activated (Available) has none
 * and is not read; a terminated one may have some in the period and is.
 */

export interface UsageReader {
  simSearch: Pick<SimSearchApi, 'all'>;
  networkUsage: Pick<NetworkUsageApi, 'getUsage'>;
}

type UsageDefinition = Extract<ReportDefinition, { type: 'usage' }>;

interface Cell extends UsageFigures {
  group: string;
  country: string;
  sims: number;
}

/** A SIM without a group is counted under the group ''; a session without a country under UNKNOWN. */
export async function usageRows(
  transatel: UsageReader,
  definition: UsageDefinition,
  deadline: number,
  progress: FleetReadProgress,
): Promise<ReportRow[]> {
  const from = new Date(definition.from);
  const to = new Date(definition.to);
  const cells = new Map<string, Cell>();
  for await (const sim of transatel.simSearch.all()) {
    if (sim.status === 'Available') continue;
    if (Date.now() >= deadline) {
      progress.complete = false;
      break;
    }
    const usage = await transatel.networkUsage.getUsage({ iccid: sim.iccid, from, to, deadline });
    progress.simsRead += 1;
    if (!usage.complete) progress.complete = false;
    const group = sim.group ?? '';
    for (const figures of usage.byCountry) {
      const key = `${group}\u0000${figures.country}`;
      const cell = cells.get(key) ?? {
        group,
        country: figures.country,
        sims: 0,
        sessions: 0,
        totalBytes: 0,
        uplinkBytes: 0,
        downlinkBytes: 0,
      };
      cell.sims += 1;
      cell.sessions += figures.sessions;
      cell.totalBytes += figures.totalBytes;
      cell.uplinkBytes += figures.uplinkBytes;
      cell.downlinkBytes += figures.downlinkBytes;
      cells.set(key, cell);
    }
  }
  return [...cells.values()]
    .sort((a, b) => a.group.localeCompare(b.group) || a.country.localeCompare(b.country))
    .map((cell) => ({ ...cell }));
}
