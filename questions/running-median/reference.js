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
      let i = a.length;
      a.push(x);
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.before(x, a[p])) break;
        a[i] = a[p]; // move the parent down into the hole
        i = p;
      }
      a[i] = x;
    }
    pop() {
      const a = this.a;
      const top = a[0];
      const last = a.pop();
      const n = a.length;
      if (n > 0) {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= n) break;
          const c = l + 1 < n && this.before(a[l + 1], a[l]) ? l + 1 : l;
          if (!this.before(a[c], last)) break;
          a[i] = a[c]; // move the better child up into the hole
          i = c;
        }
        a[i] = last;
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
