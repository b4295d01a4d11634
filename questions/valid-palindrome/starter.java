import java.util.*;

class Solution {
    public boolean isPalindrome(String s) {
        // Write your solution here.
        return false;
    }
}
