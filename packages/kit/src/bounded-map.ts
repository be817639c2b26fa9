/**
 * A Map that holds at most `maxEntries`: setting a new key when full drops the oldest one (a Map
 * iterates in insertion order). For caches of things that stay true (a checked signature, a
 * document by its hash), where the oldest is as good a choice to drop as any, at no bookkeeping.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxEntries: number) {
    super();
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.maxEntries) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }
}
