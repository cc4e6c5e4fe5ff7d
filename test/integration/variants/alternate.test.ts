import { describeVariant } from './check.js';

/** Simulator variant alternate: the other shapes seen in the wild (letter cases, bare-hex signatures, 200s, pages, ignored filters). */
describeVariant('alternate');
