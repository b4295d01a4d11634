/**
 * @param {string} s
 * @return {boolean}
 */
function isValid(s) {
  const opener = { ")": "(", "]": "[", "}": "{" };
  const stack = [];
  for (const c of s) {
    if (c in opener) {
      if (stack.length === 0 || stack.pop() !== opener[c]) return false;
    } else {
      stack.push(c);
    }
  }
  return stack.length === 0;
}
