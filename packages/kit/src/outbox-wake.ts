import type { EntityClass, EventArgs, EventSubscriber, FlushEventArgs, TransactionEventArgs } from "@mikro-orm/core";
import { ChangeSetType } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * Wakes the jobs whose outbox a commit wrote to, right after that commit, so the work goes out at
 * once and no resolver has to ask for it. Registered by the kit on the subgraph's ORM; it sees
 * rows written by a flush (`em.create` … `flush`) or by `em.upsert`. A wake-up is a shortcut: a
 * row it misses (written with raw SQL) waits for its job's next tick.
 */
export class OutboxWakeUp implements EventSubscriber {
  /** Wake-ups waiting for the commit of the transaction that wrote their rows. */
  private readonly pending = new WeakMap<object, Set<() => void>>();
  /** Each savepoint's enclosing transaction (or savepoint). */
  private readonly parents = new WeakMap<object, object>();
  /** The transaction an EntityManager is opening a savepoint in, between the start events. */
  private readonly opening = new WeakMap<object, object>();

  constructor(private readonly wakes: ReadonlyMap<EntityClass<unknown>, readonly (() => void)[]>) {}

  getSubscribedEntities(): EntityClass<unknown>[] {
    return [...this.wakes.keys()];
  }

  afterFlush({ em, uow }: FlushEventArgs): void {
    const created = uow.getChangeSets().filter((changeSet) => changeSet.type === ChangeSetType.CREATE);
    this.wrote(
      em as EntityManager,
      created.map((changeSet) => changeSet.entity.constructor as EntityClass<unknown>),
    );
  }

  afterUpsert({ em, entity }: EventArgs<object>): void {
    this.wrote(em as EntityManager, [entity.constructor]);
  }

  // MikroORM 7 links no savepoint to its transaction, and sends commit events for savepoints too. Its
  // start events tell: `before` carries the enclosing transaction, `after` the savepoint, both with
  // the EntityManager (a fork of its own per transactional call) that opens it.
  beforeTransactionStart({ em, transaction }: TransactionEventArgs): void {
    const tx = transactionKey(transaction);
    if (tx) this.opening.set(em, tx);
  }

  afterTransactionStart({ em, transaction }: TransactionEventArgs): void {
    const parent = this.opening.get(em);
    if (!parent) return;
    this.opening.delete(em);
    const tx = transactionKey(transaction);
    if (tx) this.parents.set(tx, parent);
  }

  afterTransactionCommit({ transaction }: TransactionEventArgs): void {
    const tx = transactionKey(transaction);
    const wakes = tx && this.pending.get(tx);
    if (!tx || !wakes) return;
    this.pending.delete(tx);
    for (const wake of wakes) setImmediate(wake);
  }

  afterTransactionRollback({ transaction }: TransactionEventArgs): void {
    const tx = transactionKey(transaction);
    if (tx) this.pending.delete(tx);
  }

  private wrote(em: EntityManager, classes: EntityClass<unknown>[]): void {
    const wakes = new Set(classes.flatMap((entityClass) => this.wakes.get(entityClass) ?? []));
    if (!wakes.size) return;
    // Outside a transaction the flush (or upsert) has committed already. Inside one, the rows are
    // nobody else's to see until it commits. setImmediate: the caller's answer goes out first.
    const transaction = em.isInTransaction() ? em.getTransactionContext<object>() : undefined;
    if (!transaction) {
      for (const wake of wakes) setImmediate(wake);
      return;
    }
    const root = this.outermost(transaction);
    const waiting = this.pending.get(root) ?? new Set();
    for (const wake of wakes) waiting.add(wake);
    this.pending.set(root, waiting);
  }

  /** The transaction a savepoint belongs to, whose commit makes the savepoint's rows visible. */
  private outermost(transaction: object): object {
    let current = transaction;
    for (let parent = this.parents.get(current); parent; parent = this.parents.get(current)) current = parent;
    return current;
  }
}

/** MikroORM types a transaction as `any`: here it is only a key (a Kysely transaction object). */
function transactionKey(transaction: TransactionEventArgs["transaction"]): object | undefined {
  return (transaction as object | null | undefined) ?? undefined;
}
