/**
 * @param {string[]} grid rows of '0' (water) and '1' (land)
 * @return {number}
 */
function numIslands(grid) {
  const rows = grid.length;
  if (rows === 0) return 0;
  const cols = grid[0].length;
  const seen = new Uint8Array(rows * cols);
  const queue = new Int32Array(rows * cols); // each cell is queued at most once
  const dr = [1, -1, 0, 0];
  const dc = [0, 0, 1, -1];
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
        const i = (cell / cols) | 0;
        const j = cell % cols;
        for (let d = 0; d < 4; d++) {
          const ni = i + dr[d];
          const nj = j + dc[d];
          if (ni < 0 || ni >= rows || nj < 0 || nj >= cols) continue;
          const next = ni * cols + nj;
          if (!seen[next] && grid[ni][nj] === "1") {
            seen[next] = 1;
            queue[tail++] = next;
          }
        }
      }
    }
  }
  return islands;
}
