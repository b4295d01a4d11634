#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    int numIslands(vector<string>& grid) {
        int rows = grid.size();
        if (rows == 0) return 0;
        int cols = grid[0].size();
        vector<vector<bool>> seen(rows, vector<bool>(cols, false));
        const int dr[] = {1, -1, 0, 0}, dc[] = {0, 0, 1, -1};
        int islands = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (grid[r][c] != '1' || seen[r][c]) continue;
                islands++;
                seen[r][c] = true;
                queue<pair<int, int>> q;
                q.push({r, c});
                while (!q.empty()) {
                    auto [i, j] = q.front();
                    q.pop();
                    for (int d = 0; d < 4; d++) {
                        int ni = i + dr[d], nj = j + dc[d];
                        if (ni >= 0 && ni < rows && nj >= 0 && nj < cols && grid[ni][nj] == '1' && !seen[ni][nj]) {
                            seen[ni][nj] = true;
                            q.push({ni, nj});
                        }
                    }
                }
            }
        }
        return islands;
    }
};
