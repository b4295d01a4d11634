function sumPair(a, b) {
  return a + b;
}
