class Solution {
    public double meanValue(double[] values) {
        double s = 0;
        for (double v : values) s += v;
        return s / values.length;
    }
}
