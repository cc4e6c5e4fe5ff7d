import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailure } from './dynamo-support.js';

/**
 * What the policies have spent, beside the policies in their table (single-table design; the policies are
 * the items of `pk = "policy"`): top-ups per policy, SIM and month, and spending per policy and month. Each
 * limit is taken with a conditional write, so concurrent workers cannot overrun it, and counts a trigger
 * occurrence once. Also the sweep's marks: which threshold or expiry has fired for which plan.
 */

export type LimitName = 'maxPerSimPerMonth' | 'monthlyBudget';

export interface ConsumeRequest {
  policyId: string;
  iccid: string;
  /** The trigger occurrence this top-up answers: taking the limits again for it is a no-op. */
  occurrence: string;
  now: Date;
  maxPerSimPerMonth: number;
  /** The plan's price against the policy's monthly budget, in the same currency (the caller checks). */
  budget?: { limitMinor: number; priceMinor: number } | undefined;
}

export type ConsumeResult = { kind: 'ok' } | { kind: 'limit-reached'; limit: LimitName; detail: string };

export interface PolicyLedger {
  /** Takes one top-up from the SIM's monthly allowance and the plan's price from the budget, or neither. */
  consume(request: ConsumeRequest): Promise<ConsumeResult>;
  /** Whether a sweep mark is set. */
  hasMark(mark: string, now: Date): Promise<boolean>;
  /** Sets a sweep mark until `expiresAt`. */
  setMark(mark: string, expiresAt: Date): Promise<void>;
}

/** The month a limit counts in: UTC, `2026-12`. */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** Ledger items outlive their month by long enough to be read in the month after, then expire. */
const LEDGER_ITEM_DAYS = 70;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
const expiryOf = (now: Date) => epochSeconds(now) + LEDGER_ITEM_DAYS * 86_400;

function simMonthKey(request: ConsumeRequest): string {
  return `sim-month#${request.policyId}#${request.iccid}#${monthOf(request.now)}`;
}
function budgetKey(request: ConsumeRequest): string {
  return `budget#${request.policyId}#${monthOf(request.now)}`;
}
function chargeKey(request: ConsumeRequest): string {
  return `budget-charge#${request.policyId}#${monthOf(request.now)}#${request.iccid}#${request.occurrence}`;
}
const markKey = (mark: string) => `mark#${mark}`;

function simLimitReached(request: ConsumeRequest): ConsumeResult {
  return {
    kind: 'limit-reached',
    limit: 'maxPerSimPerMonth',
    detail: `Policy ${request.policyId} has ordered ${request.maxPerSimPerMonth} top-up(s) for SIM ${request.iccid} in ${monthOf(request.now)}, its limit`,
  };
}
function budgetReached(request: ConsumeRequest): ConsumeResult {
  return {
    kind: 'limit-reached',
    limit: 'monthlyBudget',
    detail: `Policy ${request.policyId}'s budget for ${monthOf(request.now)} (${request.budget?.limitMinor} minor units) cannot pay ${request.budget?.priceMinor} more`,
  };
}

/** The items' key attributes: the policies table's layout (shared/store/dynamo-policy-store.ts). */
const PK = 'pk';
const SK = 'sk';
const ITEM = '-';

export class DynamoPolicyLedger implements PolicyLedger {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async consume(request: ConsumeRequest): Promise<ConsumeResult> {
    const taken = await this.takeFromSim(request);
    if (taken === 'limit-reached') return simLimitReached(request);
    if (!request.budget) return { kind: 'ok' };
    if (await this.item(chargeKey(request))) return { kind: 'ok' }; // charged before, for this occurrence
    if (!(await this.charge(request))) {
      // Nothing is ordered: give the SIM's top-up back, so the allowance and the budget stay in step.
      if (taken === 'taken') await this.giveBackToSim(request);
      return budgetReached(request);
    }
    // Marked after the charge: a crash in between charges again on the retry (it spends less, never more).
    await this.put({ [PK]: chargeKey(request), [SK]: ITEM, expiresAt: expiryOf(request.now) });
    return { kind: 'ok' };
  }

  async hasMark(mark: string, now: Date): Promise<boolean> {
    const item = await this.item(markKey(mark));
    return item !== undefined && Number(item.expiresAt) > epochSeconds(now);
  }

  async setMark(mark: string, expiresAt: Date): Promise<void> {
    await this.put({ [PK]: markKey(mark), [SK]: ITEM, expiresAt: epochSeconds(expiresAt) });
  }

  /** `taken`, `already` (this occurrence took it before), or `limit-reached`. */
  private async takeFromSim(request: ConsumeRequest): Promise<'taken' | 'already' | 'limit-reached'> {
    const key = simMonthKey(request);
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [PK]: key, [SK]: ITEM },
          UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one, #expiresAt = :expiresAt ADD #occ :occ',
          ConditionExpression: '(attribute_not_exists(#n) OR #n < :max) AND NOT contains(#occ, :occurrence)',
          ExpressionAttributeNames: { '#n': 'count', '#occ': 'occurrences', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':max': request.maxPerSimPerMonth,
            ':occ': new Set([request.occurrence]),
            ':occurrence': request.occurrence,
            ':expiresAt': expiryOf(request.now),
          },
        }),
      );
      return 'taken';
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
    const item = await this.item(key);
    const occurrences = item?.occurrences as Set<string> | undefined;
    return occurrences?.has(request.occurrence) ? 'already' : 'limit-reached';
  }

  private async giveBackToSim(request: ConsumeRequest): Promise<void> {
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [PK]: simMonthKey(request), [SK]: ITEM },
          UpdateExpression: 'SET #n = #n - :one DELETE #occ :occ',
          ConditionExpression: 'contains(#occ, :occurrence)',
          ExpressionAttributeNames: { '#n': 'count', '#occ': 'occurrences' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':occ': new Set([request.occurrence]),
            ':occurrence': request.occurrence,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  }

  private async charge(request: ConsumeRequest): Promise<boolean> {
    const budget = request.budget;
    if (!budget) return true;
    if (budget.priceMinor > budget.limitMinor) return false;
    try {
      await this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: { [PK]: budgetKey(request), [SK]: ITEM },
          UpdateExpression: 'SET #spent = if_not_exists(#spent, :zero) + :price, #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#spent) OR #spent <= :room',
          ExpressionAttributeNames: { '#spent': 'spentMinor', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: {
            ':zero': 0,
            ':price': budget.priceMinor,
            ':room': budget.limitMinor - budget.priceMinor,
            ':expiresAt': expiryOf(request.now),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      return false;
    }
  }

  private async item(pk: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { [PK]: pk, [SK]: ITEM },
        ConsistentRead: true,
      }),
    );
    return Item;
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: item }));
  }
}

/** The same semantics in memory, for tests (every operation is atomic on one event loop). */
export class MemoryPolicyLedger implements PolicyLedger {
  readonly #sims = new Map<string, { count: number; occurrences: Set<string> }>();
  readonly #spent = new Map<string, number>();
  readonly #charges = new Set<string>();
  readonly #marks = new Map<string, number>();

  async consume(request: ConsumeRequest): Promise<ConsumeResult> {
    const key = simMonthKey(request);
    const sim = this.#sims.get(key) ?? { count: 0, occurrences: new Set<string>() };
    const already = sim.occurrences.has(request.occurrence);
    if (!already && sim.count >= request.maxPerSimPerMonth) return simLimitReached(request);
    if (!already) {
      sim.count += 1;
      sim.occurrences.add(request.occurrence);
      this.#sims.set(key, sim);
    }
    const budget = request.budget;
    if (!budget || this.#charges.has(chargeKey(request))) return { kind: 'ok' };
    const spent = this.#spent.get(budgetKey(request)) ?? 0;
    if (spent + budget.priceMinor > budget.limitMinor) {
      if (!already) {
        sim.count -= 1;
        sim.occurrences.delete(request.occurrence);
      }
      return budgetReached(request);
    }
    this.#spent.set(budgetKey(request), spent + budget.priceMinor);
    this.#charges.add(chargeKey(request));
    return { kind: 'ok' };
  }

  async hasMark(mark: string, now: Date): Promise<boolean> {
    return (this.#marks.get(mark) ?? 0) > now.getTime();
  }

  async setMark(mark: string, expiresAt: Date): Promise<void> {
    this.#marks.set(mark, expiresAt.getTime());
  }

  /** Tests: what a policy spent in a month. */
  spent(policyId: string, month: string): number {
    return this.#spent.get(`budget#${policyId}#${month}`) ?? 0;
  }
}
