// expect: time_limit
// limits: time_limit_s=0.5
class Solution {
    public int[] twoSum(int[] nums, int target) {
        long n = 0;
        while (true) n++;
    }
}
