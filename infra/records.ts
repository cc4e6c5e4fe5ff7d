/** `Object.entries` keeping the key type of a record whose keys are a closed union. */
export function entriesOf<K extends string, V>(record: Readonly<Record<K, V>>): [K, V][] {
  return Object.entries(record) as [K, V][];
}

/** Builds a record with the same keys, one value per entry. */
export function mapRecord<K extends string, V, R>(
  record: Readonly<Record<K, V>>,
  map: (value: V, key: K) => R,
): Record<K, R> {
  return Object.fromEntries(entriesOf(record).map(([key, value]) => [key, map(value, key)])) as Record<K, R>;
}
