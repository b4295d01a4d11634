import java.util.*;

class Solution {
    public int[][] pairSums(int[] nums, int target) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < nums.length; i++)
            for (int j = i + 1; j < nums.length; j++)
                if (nums[i] + nums[j] == target) out.add(new int[] {nums[i], nums[j]});
        
        return out.toArray(new int[0][]);
    }
}
