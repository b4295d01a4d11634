// expect: time_limit
class Solution {
    public int[] twoSum(int[] nums, int target) {
        long n = 0;
        while (true) n++;
    }
}
