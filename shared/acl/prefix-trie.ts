// A binary trie over address bits, one per address family. Each node may carry the index of the
// first rule whose prefix ends there; a lookup walks the address bit by bit (at most 32 or 128
// steps) and keeps the lowest index it passes, which is the first rule in list order that
// contains the address. The cost depends on the address length, not on the number of rules.
// Nodes live in one typed array: no object per node, a node's slots share a cache line, and a
// lookup allocates nothing.

const NONE = 0x7fffffff;
const INITIAL_NODES = 64;
/** Each node is three slots of one Int32Array: child for bit 0, child for bit 1, rule index. */
const STRIDE = 3;
const RULE = 2;
const SEAL_MIN_NODES = 1024;

export class PrefixTrie {
  private nodes: Int32Array = PrefixTrie.allocate(INITIAL_NODES);
  private size = 1;
  /** After `seal`: for each value of the first 16 bits, the node reached and the best rule on the way. */
  private topNode: Int32Array | null = null;
  private topBest: Int32Array | null = null;

  private static allocate(capacity: number): Int32Array {
    const nodes = new Int32Array(capacity * STRIDE);
    for (let i = RULE; i < nodes.length; i += STRIDE) nodes[i] = NONE;
    return nodes;
  }

  /** Number of nodes, the root included (for tests and memory estimates). */
  get nodeCount(): number {
    return this.size;
  }

  /** Records rule `index` for the first `prefix` bits of `words`; a lower index already there wins. */
  insert(words: ArrayLike<number>, prefix: number, index: number): void {
    let node = 0;
    for (let bit = 0; bit < prefix; bit++) {
      const slot = node * STRIDE + ((words[bit >>> 5]! >>> (31 - (bit & 31))) & 1);
      let next = this.nodes[slot]!;
      if (next === 0) {
        next = this.addNode();
        this.nodes[slot] = next;
      }
      node = next;
    }
    const at = node * STRIDE + RULE;
    if (index < this.nodes[at]!) this.nodes[at] = index;
  }

  /**
   * For a large IPv4 trie: precomputes the walk over the first 16 bits into two 64 Ki-entry
   * tables (512 KiB), so a lookup starts 16 levels down with one memory access instead of 16
   * scattered ones. Small tries (fewer than 1024 nodes, about 50 rules) stay as they are.
   * Call once, after the last `insert`.
   */
  seal(): void {
    if (this.size < SEAL_MIN_NODES) return;
    const topNode = new Int32Array(65536);
    const topBest = new Int32Array(65536);
    const nodes = this.nodes;
    for (let t = 0; t < 65536; t++) {
      let best = nodes[RULE]!;
      let node = 0;
      for (let shift = 15; shift >= 0; shift--) {
        node = nodes[node * STRIDE + ((t >>> shift) & 1)]!;
        if (node === 0) break;
        const index = nodes[node * STRIDE + RULE]!;
        if (index < best) best = index;
      }
      topNode[t] = node;
      topBest[t] = best;
    }
    this.topNode = topNode;
    this.topBest = topBest;
  }

  /** The lowest rule index whose prefix contains the IPv4 address `value`, or -1. */
  lookup32(value: number): number {
    const nodes = this.nodes;
    let best = nodes[RULE]!;
    let node = 0;
    let start = 31;
    if (this.topNode !== null) {
      const t = value >>> 16;
      node = this.topNode[t]!;
      best = this.topBest![t]!;
      if (node === 0) return best === NONE ? -1 : best;
      start = 15;
    }
    for (let shift = start; shift >= 0; shift--) {
      node = nodes[node * STRIDE + ((value >>> shift) & 1)]!;
      if (node === 0) break;
      const index = nodes[node * STRIDE + RULE]!;
      if (index < best) best = index;
    }
    return best === NONE ? -1 : best;
  }

  /** The lowest rule index whose prefix contains the 128-bit address in `words[0..3]`, or -1. */
  lookup128(words: Uint32Array): number {
    const nodes = this.nodes;
    let best = nodes[RULE]!;
    let node = 0;
    outer: for (let w = 0; w < 4; w++) {
      const word = words[w]!;
      for (let shift = 31; shift >= 0; shift--) {
        node = nodes[node * STRIDE + ((word >>> shift) & 1)]!;
        if (node === 0) break outer;
        const index = nodes[node * STRIDE + RULE]!;
        if (index < best) best = index;
      }
    }
    return best === NONE ? -1 : best;
  }

  private addNode(): number {
    if (this.size * STRIDE === this.nodes.length) {
      const grown = PrefixTrie.allocate(this.size * 2);
      grown.set(this.nodes);
      this.nodes = grown;
    }
    return this.size++;
  }
}
