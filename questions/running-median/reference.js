/**
 * @param {number[]} nums
 * @return {number[]} medians[i] is the median of nums[0..i]
 */
function runningMedian(nums) {
  // A binary heap ordered by `before(a, b)`: true when a must sit above b.
  class Heap {
    constructor(before) {
      this.a = [];
      this.before = before;
    }
    get size() {
      return this.a.length;
    }
    peek() {
      return this.a[0];
    }
    push(x) {
      const a = this.a;
      a.push(x);
      let i = a.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.before(a[i], a[p])) break;
        [a[i], a[p]] = [a[p], a[i]];
        i = p;
      }
    }
    pop() {
      const a = this.a;
      const top = a[0];
      const last = a.pop();
      if (a.length > 0) {
        a[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < a.length && this.before(a[l], a[m])) m = l;
          if (r < a.length && this.before(a[r], a[m])) m = r;
          if (m === i) break;
          [a[i], a[m]] = [a[m], a[i]];
          i = m;
        }
      }
      return top;
    }
  }

  const low = new Heap((x, y) => x > y); // max-heap: the smaller half, may hold one extra element
  const high = new Heap((x, y) => x < y); // min-heap: the larger half
  const medians = [];
  for (const x of nums) {
    low.push(x);
    high.push(low.pop());
    if (high.size > low.size) low.push(high.pop());
    medians.push(low.size > high.size ? low.peek() : (low.peek() + high.peek()) / 2);
  }
  return medians;
}
