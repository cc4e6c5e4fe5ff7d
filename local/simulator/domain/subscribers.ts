import { randomUUID } from 'node:crypto';
import type { SimulatorCore } from '../core.js';
import { type SubscriberEventKind, subscriberEvent } from '../events.js';
import { msisdnFor } from '../ids.js';
import { applyOptions } from '../options.js';
import { badRequest, ProblemError } from '../problem.js';
import type { LifecycleRequest, Sim, SimState, Transaction, TransactionType } from '../state.js';
import { terminateProducts } from './products.js';

const SIM_SERIAL = /^[0-9]{13,20}$/;

/** 400 for a malformed ICCID, 404 SUBSCRIBER_NOT_FOUND for an unknown one. */
export function requireSim(core: SimulatorCore, simSerial: string): Sim {
  if (!SIM_SERIAL.test(simSerial)) throw badRequest(`Invalid field 'simSerial': must be 13 to 20 digits`);
  const sim = core.state.getSim(simSerial);
  if (!sim) throw new ProblemError(404, 'SUBSCRIBER_NOT_FOUND', 'Subscriber is unknown');
  return sim;
}

function invalidStatus(op: string, sim: Sim): ProblemError {
  return badRequest(`Invalid subscriber status for ${op} (status: ${sim.status})`);
}

function checkStatus(sim: Sim, type: TransactionType): void {
  const s = sim.status;
  switch (type) {
    case 'ACTIVATE':
      if (s !== 'Available') throw badRequest(`Subscriber is not ready for activation (status: ${s})`);
      return;
    case 'MODIFY':
      if (s === 'Available' || s === 'Terminated') throw invalidStatus('modify', sim);
      return;
    case 'SUSPEND':
      if (s !== 'Active' && s !== 'TestMode') throw invalidStatus('suspend', sim);
      return;
    case 'REACTIVATE':
      if (s !== 'Suspended') throw invalidStatus('reactivate', sim);
      return;
    case 'TERMINATE':
      if (s === 'Available' || s === 'Terminated') throw invalidStatus('terminate', sim);
      return;
  }
}

/** Accepts a lifecycle request: PENDING now, applied after the configured delay. */
export function startTransaction(
  core: SimulatorCore,
  sim: Sim,
  type: TransactionType,
  request: LifecycleRequest,
): Transaction {
  // An unprovisioned SIM (set through /_sim) refuses every activation, even while one is pending.
  if (type === 'ACTIVATE' && sim.unprovisioned !== undefined) throw badRequest(sim.unprovisioned);
  if (sim.pendingTransactionId) {
    throw new ProblemError(
      409,
      'TRANSACTION_IN_PROGRESS',
      `Transaction ${sim.pendingTransactionId} is still pending on subscriber ${sim.iccid}`,
    );
  }
  checkStatus(sim, type);
  const now = new Date().toISOString();
  const txn: Transaction = {
    transactionId: randomUUID(),
    simSerial: sim.iccid,
    type,
    transactionStatus: 'PENDING',
    creationDate: now,
    lastUpdateDate: now,
    request,
  };
  core.state.addTransaction(txn);
  sim.pendingTransactionId = txn.transactionId;
  if (type === 'ACTIVATE') core.counters.activation(sim.iccid);
  else core.counters.lifecycle(sim.iccid, type);
  const delay = type === 'ACTIVATE' ? core.config.activationDelayMs : core.config.lifecycleDelayMs;
  const state = core.state;
  core.scheduler.after(delay, () => completeTransaction(core, state, txn.transactionId));
  return txn;
}

const EVENT_KIND: Record<TransactionType, SubscriberEventKind> = {
  ACTIVATE: 'ACTIVATED',
  MODIFY: 'MODIFIED',
  SUSPEND: 'SUSPENDED',
  REACTIVATE: 'REACTIVATED',
  TERMINATE: 'TERMINATED',
};

function applyProfile(sim: Sim, req: LifecycleRequest): void {
  if (req.ratePlan !== undefined) sim.ratePlan = req.ratePlan;
  sim.options = applyOptions(sim.options, req.options ?? []);
  if (req.group !== undefined) sim.group = req.group;
  if (req.externalReference !== undefined) sim.externalReference = req.externalReference;
  if (req.subscriberCountryOfResidence !== undefined) {
    sim.subscriberCountryOfResidence = req.subscriberCountryOfResidence;
  }
}

function completeTransaction(core: SimulatorCore, state: SimState, transactionId: string): void {
  const txn = state.transactions.get(transactionId);
  const sim = txn && state.getSim(txn.simSerial);
  if (!txn || !sim || txn.transactionStatus !== 'PENDING') return;
  delete sim.pendingTransactionId;
  txn.lastUpdateDate = new Date().toISOString();
  if (sim.failNextTransaction) {
    txn.transactionStatus = 'FAILED';
    txn.errorCode = sim.failNextTransaction.errorCode;
    txn.errorMessage = sim.failNextTransaction.errorMessage;
    delete sim.failNextTransaction;
    return;
  }
  const req = txn.request;
  switch (txn.type) {
    case 'ACTIVATE':
      applyProfile(sim, req);
      // An account in IoT test mode: every activation lands in TestMode.
      sim.status = core.variant.testMode ? 'TestMode' : 'Active';
      sim.activationDate = txn.lastUpdateDate;
      if (!sim.msisdn) state.assignMsisdn(sim, msisdnFor(sim.category, sim.index));
      break;
    case 'MODIFY':
      applyProfile(sim, req);
      break;
    case 'SUSPEND':
      sim.status = 'Suspended';
      break;
    case 'REACTIVATE':
      sim.status = 'Active';
      break;
    case 'TERMINATE':
      sim.status = 'Terminated';
      break;
  }
  txn.transactionStatus = 'DONE';
  core.emit(
    subscriberEvent(EVENT_KIND[txn.type], sim, {
      source: 'api',
      transactionId: txn.transactionId,
      ...(req.externalReference !== undefined ? { externalReference: req.externalReference } : {}),
    }),
  );
  if (txn.type === 'TERMINATE') terminateProducts(core, sim);
}
