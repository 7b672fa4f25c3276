// A layered (Sugiyama-style) layout for pipeline DAGs, written for speed on thousands of nodes:
//
// 1. cycles broken by reversing DFS back edges (a collapsed namespace can make a cycle);
// 2. ranks by longest path, data-layer bands kept in order by barrier nodes, sources pulled next
//    to their first reader, empty ranks removed;
// 3. long edges routed through dummy nodes, one chain per source shared by all its long edges (so
//    a parameter read by 200 nodes adds one chain, not 200);
// 4. order within ranks by barycenter sweeps, the ordering with the fewest crossings kept;
// 5. positions along the rank by isotonic regression (pool adjacent violators): each node as
//    close to the mean of its neighbours as the order and the gaps allow, in a few sweeps.
//
// Everything is arrays indexed by node number; no step is worse than O((V + E) log V) per sweep.

export type Direction = "LR" | "TB";

export interface LayoutInput {
  /**
   * Node sizes as drawn (width, height), the index of its data-layer band (or -1), and optionally a
   * group (an open namespace): members of a group are kept next to each other within each rank.
   */
  nodes: { id: string; width: number; height: number; band: number; group?: string | undefined }[];
  /** Indices into `nodes`. */
  edges: { source: number; target: number }[];
  direction: Direction;
  /** Space between ranks and between neighbours in a rank (default 70 and 16). */
  rankGap?: number;
  nodeGap?: number;
}

export interface LayoutResult {
  /** Centre of each node, in input order. */
  x: Float64Array;
  y: Float64Array;
  /** Each edge's polyline, flat [x0, y0, x1, y1, ...], from the source's border to the target's. */
  edgePoints: number[][];
  width: number;
  height: number;
  /** Each band's extent along the rank axis (x for LR, y for TB), by band index; NaN when empty. */
  bandStart: Float64Array;
  bandEnd: Float64Array;
  /** Milliseconds spent, for the benchmarks. */
  ms: number;
}

/** Reverses edges that close a cycle (found by an iterative DFS), so the graph is a DAG. */
function breakCycles(n: number, out: number[][]): Set<number> {
  // Returns the set of edge keys (s * n + t) that were reversed.
  const reversed = new Set<number>();
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const cursor = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    stack.push(root);
    state[root] = 1;
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!;
      const next = out[v]!;
      if (cursor[v]! < next.length) {
        const w = next[cursor[v]!++]!;
        if (state[w] === 0) {
          state[w] = 1;
          stack.push(w);
        } else if (state[w] === 1) reversed.add(v * n + w);
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  return reversed;
}

/** Inversions in a sequence of positions below `size`: the crossings between two ranks (accumulator tree). */
function countInversionsFrom(sequence: number[], size: number): number {
  let first = 1;
  while (first < size) first *= 2;
  const tree = new Int32Array(2 * first);
  let count = 0;
  for (const value of sequence) {
    let index = value + first;
    tree[index]!++;
    while (index > 1) {
      if (index % 2 === 0) count += tree[index + 1]!;
      index = index >> 1;
      tree[index]!++;
    }
  }
  return count;
}

/** Lays out a DAG (cycles are broken first). Pure: the same input gives the same result. */
export function layeredLayout(input: LayoutInput): LayoutResult {
  const started = typeof performance !== "undefined" ? performance.now() : Date.now();
  const lr = input.direction === "LR";
  const rankGap = input.rankGap ?? 70;
  const nodeGap = input.nodeGap ?? 16;
  const real = input.nodes.length;

  // --- the graph, deduplicated, without self loops
  const out: number[][] = Array.from({ length: real }, () => []);
  const seen = new Set<number>();
  for (const { source, target } of input.edges) {
    if (source === target) continue;
    const key = source * real + target;
    if (seen.has(key)) continue;
    seen.add(key);
    out[source]!.push(target);
  }
  const reversed = breakCycles(real, out);
  if (reversed.size > 0) {
    for (let v = 0; v < real; v++) out[v] = out[v]!.filter((w) => !reversed.has(v * real + w));
    for (const key of reversed) {
      const s = Math.floor(key / real);
      const t = key % real;
      if (!out[t]!.includes(s)) out[t]!.push(s);
    }
  }

  // --- ranks: longest path over the graph plus band barriers
  const bandsUsed = [...new Set(input.nodes.map((n) => n.band).filter((b) => b >= 0))].sort((a, b) => a - b);
  const barrierCount = Math.max(0, bandsUsed.length - 1);
  const total = real + barrierCount;
  // Without bands the graph itself is ranked; with them, a copy with barrier edges added.
  let constrained: number[][] = barrierCount === 0 ? out : out.map((list) => [...list]);
  for (let i = 0; i < barrierCount; i++) constrained.push([]);
  if (barrierCount > 0) {
    const bandIndex = new Map(bandsUsed.map((b, i) => [b, i]));
    for (let v = 0; v < real; v++) {
      const b = input.nodes[v]!.band;
      if (b < 0) continue;
      const i = bandIndex.get(b)!;
      if (i < barrierCount) constrained[v]!.push(real + i);
      if (i > 0) constrained[real + i - 1]!.push(v);
    }
    for (let i = 0; i + 1 < barrierCount; i++) constrained[real + i]!.push(real + i + 1);
  }
  let order = topologicalOrder(total, constrained);
  if (order === null) {
    // The bands contradict the edges (a later layer feeds an earlier one): drop the barriers.
    constrained = out.map((list) => [...list]);
    for (let i = 0; i < barrierCount; i++) constrained.push([]);
    order = topologicalOrder(total, constrained)!;
  }
  const rank = new Int32Array(total);
  const indegree = new Int32Array(total);
  for (let v = 0; v < total; v++) for (const w of constrained[v]!) indegree[w]!++;
  for (const v of order) for (const w of constrained[v]!) if (rank[w]! < rank[v]! + 1) rank[w] = rank[v]! + 1;
  // Sources (raw data, parameters) sit just before their first reader, not all in rank 0.
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i]!;
    if (indegree[v] !== 0 || constrained[v]!.length === 0) continue;
    let first = Number.POSITIVE_INFINITY;
    for (const w of constrained[v]!) first = Math.min(first, rank[w]!);
    rank[v] = Math.max(rank[v]!, first - 1);
  }
  // Only real nodes' ranks count; renumber them 0..R-1 keeping their order.
  const distinct = [...new Set(Array.from(rank.subarray(0, real)))].sort((a, b) => a - b);
  const renumber = new Map(distinct.map((r, i) => [r, i]));
  const nodeRank = new Int32Array(real);
  for (let v = 0; v < real; v++) nodeRank[v] = renumber.get(rank[v]!)!;
  const rankCount = distinct.length;

  // --- dummies: one chain per source for its edges spanning several ranks
  const size = (v: number) => (lr ? input.nodes[v]!.height : input.nodes[v]!.width); // along the rank
  const depth = (v: number) => (lr ? input.nodes[v]!.width : input.nodes[v]!.height); // across ranks
  const vRank: number[] = Array.from(nodeRank);
  const vSize: number[] = [];
  const vDepth: number[] = [];
  for (let v = 0; v < real; v++) {
    vSize.push(size(v));
    vDepth.push(depth(v));
  }
  const down: number[][] = out.map(() => []); // graph with dummies: v -> next rank
  const edgeRoutes: number[][] = []; // per input edge: vertex chain from source to target
  const chainOf = new Map<number, number[]>(); // source -> its dummies by rank offset
  const addVertex = (r: number) => {
    vRank.push(r);
    vSize.push(2);
    vDepth.push(0);
    down.push([]);
    return vRank.length - 1;
  };
  // Links into a real node are checked for repeats (two long edges of one source may end at one
  // target only through different datasets, but a short edge and a chain may meet); links along a
  // chain are made once, when the dummy is made.
  const linked = new Set<number>();
  const link = (a: number, b: number) => {
    const key = a * real + b;
    if (linked.has(key)) return;
    linked.add(key);
    down[a]!.push(b);
  };
  for (const { source, target } of input.edges) {
    if (source === target) {
      edgeRoutes.push([source, target]);
      continue;
    }
    const flip = reversed.has(source * real + target);
    const s = flip ? target : source;
    const t = flip ? source : target;
    const span = nodeRank[t]! - nodeRank[s]!;
    const route = [s];
    if (span > 1) {
      let chain = chainOf.get(s);
      if (!chain) {
        chain = [];
        chainOf.set(s, chain);
      }
      let previous = s;
      for (let k = 1; k < span; k++) {
        let dummy = chain[k - 1];
        if (dummy === undefined) {
          dummy = addVertex(nodeRank[s]! + k);
          chain[k - 1] = dummy;
          down[previous]!.push(dummy);
        }
        route.push(dummy);
        previous = dummy;
      }
      link(previous, t);
    } else link(s, t);
    route.push(t);
    edgeRoutes.push(flip ? route.reverse() : route);
  }
  const count = vRank.length;
  const up: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < count; v++) for (const w of down[v]!) up[w]!.push(v);

  // --- order within ranks
  const ranks: number[][] = Array.from({ length: rankCount }, () => []);
  // Initial order: a DFS from sources in input order, so related nodes start together.
  const visited = new Uint8Array(count);
  const visit = (root: number) => {
    const stack = [root];
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (visited[v]) continue;
      visited[v] = 1;
      ranks[vRank[v]!]!.push(v);
      const next = down[v]!;
      for (let i = next.length - 1; i >= 0; i--) if (!visited[next[i]!]) stack.push(next[i]!);
    }
  };
  for (let v = 0; v < count; v++) if (up[v]!.length === 0) visit(v);
  for (let v = 0; v < count; v++) if (!visited[v]) visit(v);
  const pos = new Int32Array(count);
  const indexRanks = () => {
    for (const list of ranks) for (let i = 0; i < list.length; i++) pos[list[i]!] = i;
  };
  indexRanks();
  const totalCrossings = () => {
    let sum = 0;
    for (let r = 0; r + 1 < rankCount; r++) {
      const sequence: number[] = [];
      for (const v of ranks[r]!) {
        const next = down[v]!;
        if (next.length === 1) sequence.push(pos[next[0]!]!);
        else if (next.length > 1) {
          const start = sequence.length;
          for (const w of next) sequence.push(pos[w]!);
          const sorted = sequence.slice(start).sort((a, b) => a - b);
          for (let i = 0; i < sorted.length; i++) sequence[start + i] = sorted[i]!;
        }
      }
      sum += countInversionsFrom(sequence, Math.max(1, ranks[r + 1]!.length));
    }
    return sum;
  };
  let best = ranks.map((list) => [...list]);
  let bestCrossings = totalCrossings();
  const sweeps = count > 20000 ? 4 : count > 5000 ? 6 : 12;
  const key = new Float64Array(count);
  const groupKey = new Float64Array(count);
  const groupOf: (string | undefined)[] = input.nodes.map((n) => n.group);
  const grouped = groupOf.some((g) => g !== undefined);
  for (let sweep = 0; sweep < sweeps && bestCrossings > 0; sweep++) {
    const downward = sweep % 2 === 0;
    for (let step = 1; step < rankCount; step++) {
      const r = downward ? step : rankCount - 1 - step;
      const list = ranks[r]!;
      for (const v of list) {
        const neighbours = downward ? up[v]! : down[v]!;
        if (neighbours.length === 0) {
          key[v] = pos[v]!;
          continue;
        }
        let sum = 0;
        for (const w of neighbours) sum += pos[w]!;
        key[v] = sum / neighbours.length;
      }
      if (grouped) {
        // A group sits at the mean of its members' keys; members stay together, in key order.
        const sums = new Map<string, [number, number]>();
        for (const v of list) {
          const g = groupOf[v];
          if (g === undefined) continue;
          const sum = sums.get(g) ?? [0, 0];
          sum[0] += key[v]!;
          sum[1]++;
          sums.set(g, sum);
        }
        for (const v of list) {
          const g = groupOf[v];
          const sum = g === undefined ? undefined : sums.get(g);
          groupKey[v] = sum ? sum[0] / sum[1] : key[v]!;
        }
        list.sort(
          (a, b) =>
            groupKey[a]! - groupKey[b]! ||
            (groupOf[a] ?? "").localeCompare(groupOf[b] ?? "") ||
            key[a]! - key[b]! ||
            pos[a]! - pos[b]!,
        );
      } else list.sort((a, b) => key[a]! - key[b]! || pos[a]! - pos[b]!);
      for (let i = 0; i < list.length; i++) pos[list[i]!] = i;
    }
    const now = totalCrossings();
    if (now < bestCrossings) {
      bestCrossings = now;
      best = ranks.map((list) => [...list]);
    }
  }
  for (let r = 0; r < rankCount; r++) ranks[r] = best[r]!;
  indexRanks();

  // --- coordinates along the rank: isotonic regression towards neighbours' mean
  const along = new Float64Array(count);
  for (const list of ranks) {
    let at = 0;
    for (const v of list) {
      along[v] = at + vSize[v]! / 2;
      at += vSize[v]! + nodeGap;
    }
  }
  const place = (list: number[], desired: Float64Array, weight: Float64Array) => {
    // Offsets c_i so that z_i = y_i - c_i must be non-decreasing.
    const m = list.length;
    if (m === 0) return;
    const offset = new Float64Array(m);
    for (let i = 1; i < m; i++)
      offset[i] = offset[i - 1]! + (vSize[list[i - 1]!]! + vSize[list[i]!]!) / 2 + nodeGap;
    // Pool adjacent violators over (value, weight) blocks.
    const value: number[] = [];
    const w: number[] = [];
    const length: number[] = [];
    for (let i = 0; i < m; i++) {
      value.push(desired[list[i]!]! - offset[i]!);
      w.push(weight[list[i]!]!);
      length.push(1);
      while (value.length > 1 && value[value.length - 2]! > value[value.length - 1]!) {
        const b = value.length - 1;
        const merged = w[b - 1]! + w[b]!;
        value[b - 1] = (value[b - 1]! * w[b - 1]! + value[b]! * w[b]!) / merged;
        w[b - 1] = merged;
        length[b - 1]! += length[b]!;
        value.pop();
        w.pop();
        length.pop();
      }
    }
    let i = 0;
    for (let b = 0; b < value.length; b++) {
      for (let k = 0; k < length[b]!; k++, i++) along[list[i]!] = value[b]! + offset[i]!;
    }
  };
  const desired = new Float64Array(count);
  const weight = new Float64Array(count);
  const passes = count > 20000 ? 4 : 8;
  for (let pass = 0; pass < passes; pass++) {
    const mode = pass % 3; // 0: towards parents, 1: towards children, 2: both
    const downward = pass % 2 === 0;
    for (let step = 0; step < rankCount; step++) {
      const r = downward ? step : rankCount - 1 - step;
      const list = ranks[r]!;
      for (const v of list) {
        const a = mode !== 1 ? up[v]! : [];
        const b = mode !== 0 ? down[v]! : [];
        const n = a.length + b.length;
        if (n === 0) {
          desired[v] = along[v]!;
          weight[v] = 0.01;
          continue;
        }
        let sum = 0;
        for (const w of a) sum += along[w]!;
        for (const w of b) sum += along[w]!;
        desired[v] = sum / n;
        // Dummies weigh more, so long edges run straight.
        weight[v] = v >= real ? 4 : n;
      }
      place(list, desired, weight);
    }
  }

  // --- coordinates across ranks
  const rankDepth = new Float64Array(rankCount);
  for (let v = 0; v < count; v++) rankDepth[vRank[v]!] = Math.max(rankDepth[vRank[v]!]!, vDepth[v]!);
  const rankCentre = new Float64Array(rankCount);
  let across = 0;
  for (let r = 0; r < rankCount; r++) {
    rankCentre[r] = across + rankDepth[r]! / 2;
    across += rankDepth[r]! + rankGap;
  }
  let minAlong = Number.POSITIVE_INFINITY;
  let maxAlong = Number.NEGATIVE_INFINITY;
  for (let v = 0; v < count; v++) {
    minAlong = Math.min(minAlong, along[v]! - vSize[v]! / 2);
    maxAlong = Math.max(maxAlong, along[v]! + vSize[v]! / 2);
  }
  if (count === 0) minAlong = maxAlong = 0;
  const cx = new Float64Array(count);
  const cy = new Float64Array(count);
  for (let v = 0; v < count; v++) {
    const a = along[v]! - minAlong;
    const c = rankCentre[vRank[v]!]!;
    cx[v] = lr ? c : a;
    cy[v] = lr ? a : c;
  }

  // --- edge polylines: from the source's far side to the target's near side
  const edgePoints = edgeRoutes.map((route) => {
    const points: number[] = [];
    const forward = vRank[route[route.length - 1]!]! >= vRank[route[0]!]!;
    route.forEach((v, i) => {
      const isEnd = i === 0 || i === route.length - 1;
      if (!isEnd || v >= real) {
        points.push(cx[v]!, cy[v]!);
        return;
      }
      // The source leaves from its far side, the target is entered on its near side.
      const leaving = i === 0 ? forward : !forward;
      const half = vDepth[v]! / 2;
      const shift = leaving ? half : -half;
      points.push(lr ? cx[v]! + shift : cx[v]!, lr ? cy[v]! : cy[v]! + shift);
    });
    return points;
  });

  const bandCount = input.nodes.reduce((m, n) => Math.max(m, n.band + 1), 0);
  const bandStart = new Float64Array(bandCount).fill(Number.NaN);
  const bandEnd = new Float64Array(bandCount).fill(Number.NaN);
  for (let v = 0; v < real; v++) {
    const b = input.nodes[v]!.band;
    if (b < 0) continue;
    const c = lr ? cx[v]! : cy[v]!;
    const half = vDepth[v]! / 2;
    if (!(bandStart[b]! <= c - half)) bandStart[b] = c - half;
    if (!(bandEnd[b]! >= c + half)) bandEnd[b] = c + half;
  }
  const ended = typeof performance !== "undefined" ? performance.now() : Date.now();
  return {
    x: cx.slice(0, real),
    y: cy.slice(0, real),
    edgePoints,
    width: lr ? Math.max(0, across - rankGap) : maxAlong - minAlong,
    height: lr ? maxAlong - minAlong : Math.max(0, across - rankGap),
    bandStart,
    bandEnd,
    ms: ended - started,
  };
}

/** Kahn's algorithm; null when the graph has a cycle. */
function topologicalOrder(n: number, out: number[][]): number[] | null {
  const indegree = new Int32Array(n);
  for (let v = 0; v < n; v++) for (const w of out[v]!) indegree[w]!++;
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) order.push(v);
  for (let i = 0; i < order.length; i++) {
    for (const w of out[order[i]!]!) if (--indegree[w]! === 0) order.push(w);
  }
  return order.length === n ? order : null;
}
