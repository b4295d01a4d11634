import java.util.*;

class Solution {
    // Return the merged intervals, sorted by start.
    public int[][] merge(int[][] intervals) {
        // Write your solution here.
        return new int[0][];
    }
}
