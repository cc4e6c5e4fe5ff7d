import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * How long a pooled connection may sit idle before we close it. A server closes idle connections on its own
 * clock (Node's 5 s, a load balancer's 60 s); a request written to one it is closing fails without an answer,
 * and for an OCS order that is an unknown outcome: the plan waits a claim lease and an inventory look. Closing
 * first avoids the race. A server's `Keep-Alive: timeout=N` shortens it to N - 1 s (Node's agent does that once
 * a timeout is set; without one it keeps the connection until the server drops it).
 */
export const IDLE_CONNECTION_MS = 4_000;

/** One keep-alive pool per process and scheme for Transatel (one Lambda container: one pool). */
export const keepAliveAgents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
};
