/**
 * @param {string[]} grid rows of '0' (water) and '1' (land)
 * @return {number}
 */
function numIslands(grid) {
  const rows = grid.length;
  if (rows === 0) return 0;
  const cols = grid[0].length;
  const seen = new Uint8Array(rows * cols);
  const queue = new Int32Array(rows * cols);
  let islands = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (grid[r][c] !== "1" || seen[r * cols + c]) continue;
      islands++;
      let head = 0;
      let tail = 0;
      seen[r * cols + c] = 1;
      queue[tail++] = r * cols + c;
      while (head < tail) {
        const cell = queue[head++];
        const i = Math.floor(cell / cols);
        const j = cell % cols;
        for (const [ni, nj] of [[i + 1, j], [i - 1, j], [i, j + 1], [i, j - 1]]) {
          if (ni >= 0 && ni < rows && nj >= 0 && nj < cols && grid[ni][nj] === "1" && !seen[ni * cols + nj]) {
            seen[ni * cols + nj] = 1;
            queue[tail++] = ni * cols + nj;
          }
        }
      }
    }
  }
  return islands;
}
