/**
 * @param {number[]} coins
 * @param {number} amount
 * @return {number} the fewest coins that make up amount, or -1
 */
function coinChange(coins, amount) {
  // Write your solution here.
  return 0;
}
