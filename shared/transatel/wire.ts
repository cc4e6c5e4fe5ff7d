import * as z from '../zod.js';

/** An optional text field of a Transatel response: absent, null and "" all read as undefined. */
export const optionalString = z.pipe(
  z.nullish(z.string()),
  z.transform((value) => value || undefined),
);

/**
 * A schema built on the first call that needs it instead of at import. For the schemas of one operation among
 * several (a function calls few of them: the subscription worker's usual invocation calls two of the eight its
 * modules offer) and of error answers, which a call that succeeds never reads. Building zod schemas is most of
 * what importing these modules costs.
 */
export function builtOnFirstUse<T>(build: () => T): () => T {
  let schema: T | undefined;
  return () => {
    schema ??= build();
    return schema;
  };
}
