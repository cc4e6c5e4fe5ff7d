/**
 * A value made on first use and kept for the life of the process (the Lambda container): one Transatel
 * token, one keep-alive pool, one SDK client per service.
 */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
