import java.util.*;

class Solution {
    public int numIslands(String[] grid) {
        int rows = grid.length;
        if (rows == 0) return 0;
        int cols = grid[0].length();
        boolean[][] seen = new boolean[rows][cols];
        int[][] dirs = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        int islands = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (grid[r].charAt(c) != '1' || seen[r][c]) continue;
                islands++;
                seen[r][c] = true;
                queue.add(new int[] {r, c});
                while (!queue.isEmpty()) {
                    int[] cell = queue.poll();
                    for (int[] d : dirs) {
                        int i = cell[0] + d[0], j = cell[1] + d[1];
                        if (i >= 0 && i < rows && j >= 0 && j < cols && grid[i].charAt(j) == '1' && !seen[i][j]) {
                            seen[i][j] = true;
                            queue.add(new int[] {i, j});
                        }
                    }
                }
            }
        }
        return islands;
    }
}
