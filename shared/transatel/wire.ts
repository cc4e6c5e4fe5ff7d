import * as z from '../zod.js';

/** An optional text field of a Transatel response: absent, null and "" all read as undefined. */
export const optionalString = z.pipe(
  z.nullish(z.string()),
  z.transform((value) => value || undefined),
);

/**
 * A list answer `{ <key>: [item, ...] }` read as the items; a missing or null list reads as empty.
 * The OCS APIs wrap their lists this way (`products`, `productSubscriptions`).
 */
export function wrappedList<Item extends z.core.$ZodType>(key: string, item: Item) {
  return z.pipe(
    z.looseObject({ [key]: z.nullish(z.array(item)) }),
    z.transform((wire) => (wire[key] as z.output<Item>[] | null | undefined) ?? []),
  );
}

/** One item, as tenants differ in sending it: alone, or wrapped like a list of exactly one. */
export function singleOrWrapped<Item extends z.core.$ZodType>(key: string, item: Item) {
  return z.union([
    item,
    z.pipe(
      z.looseObject({ [key]: z.array(item).check(z.length(1)) }),
      z.transform((wire) => (wire[key] as z.output<Item>[])[0] as z.output<Item>),
    ),
  ]);
}
