/**
 * The ARG/ENV values visible at an instruction, as an immutable map that every later ARG/ENV
 * extends without copying it. Copying the map at each ARG/ENV made 8,000 ENV lines take 23 s and
 * 32,000 run out of memory. Layers are merged like a log-structured store (a layer is merged into
 * the one below while that one is at most twice its size), so a chain of n settings keeps
 * O(log n) layers and copies each entry O(log n) times.
 */
export class Env implements ReadonlyMap<string, string> {
  static readonly EMPTY = new Env(new Map(), null);
  private flat: Map<string, string> | undefined;

  private constructor(
    private readonly layer: ReadonlyMap<string, string>,
    private readonly below: Env | null,
  ) {}

  /** This environment with the settings applied in order; `settings` may read the environment as it grows. */
  extend(settings: (draft: Draft) => void): Env {
    const draft = new Draft(this);
    settings(draft);
    return draft.own.size === 0 ? this : Env.stack(draft.own, this);
  }

  private static stack(top: Map<string, string>, env: Env): Env {
    let layer = top;
    let below: Env | null = env;
    while (below && below.layer.size <= layer.size * 2) {
      layer = new Map([...below.layer, ...layer]); // newer settings win
      below = below.below;
    }
    return new Env(layer, below);
  }

  get(name: string): string | undefined {
    return this.layer.get(name) ?? this.below?.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  private all(): Map<string, string> {
    if (!this.flat) {
      this.flat = new Map([...(this.below?.all() ?? []), ...this.layer]);
    }
    return this.flat;
  }

  get size(): number {
    return this.all().size;
  }
  forEach(fn: (value: string, key: string, map: ReadonlyMap<string, string>) => void): void {
    this.all().forEach((v, k) => fn(v, k, this));
  }
  entries(): MapIterator<[string, string]> {
    return this.all().entries();
  }
  keys(): MapIterator<string> {
    return this.all().keys();
  }
  values(): MapIterator<string> {
    return this.all().values();
  }
  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }
}

/** The settings of one instruction, readable as the environment they are being added to. */
export class Draft {
  readonly own = new Map<string, string>();
  constructor(private readonly base: Env) {}
  get(name: string): string | undefined {
    return this.own.get(name) ?? this.base.get(name);
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  set(name: string, value: string): void {
    this.own.set(name, value);
  }
}
