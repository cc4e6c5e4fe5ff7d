/** Bytes per data unit. Transatel's OCS counts data in KB; 1 KB is taken as 1024 bytes. */
const BYTES_PER_UNIT: Record<string, number> = {
  B: 1,
  BYTE: 1,
  BYTES: 1,
  KB: 1024,
  KIB: 1024,
  MB: 1024 ** 2,
  MIB: 1024 ** 2,
  GB: 1024 ** 3,
  GIB: 1024 ** 3,
  TB: 1024 ** 4,
};

/** The unit's size in bytes, or undefined for non-data units (SECOND, SMS). */
export function bytesPerUnit(unit: string): number | undefined {
  return BYTES_PER_UNIT[unit.trim().toUpperCase()];
}

/** Converts an amount to bytes; -1 (unlimited) stays -1. */
export function toBytes(value: number, unit: string): number | undefined {
  const factor = bytesPerUnit(unit);
  if (factor === undefined) return undefined;
  return value < 0 ? -1 : Math.round(value * factor);
}
