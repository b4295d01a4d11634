/**
 * @param {string[]} grid rows of '0' (water) and '1' (land)
 * @return {number}
 */
function numIslands(grid) {
  // Write your solution here.
  return 0;
}
