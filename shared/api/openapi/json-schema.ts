/**
 * A JSON Schema as the document holds it, and which form of a zod schema it is: what a request may carry
 * (input) or what a response gives (output). It imports nothing, so every module of the document can name
 * them without an import cycle.
 */

export type JsonSchema = { [key: string]: unknown };
export type Io = 'input' | 'output';
