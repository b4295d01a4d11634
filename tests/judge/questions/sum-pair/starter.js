function sumPair(a, b) {
  return 0;
}
