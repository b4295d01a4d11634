import java.util.*;

class Solution {
    public boolean isValid(String s) {
        // Write your solution here.
        return false;
    }
}
