import java.util.*;

class Solution {
    // grid: rows of '0' (water) and '1' (land)
    public int numIslands(String[] grid) {
        // Write your solution here.
        return 0;
    }
}
