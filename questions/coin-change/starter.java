import java.util.*;

class Solution {
    // Return the fewest coins that make up amount, or -1.
    public int coinChange(int[] coins, int amount) {
        // Write your solution here.
        return 0;
    }
}
