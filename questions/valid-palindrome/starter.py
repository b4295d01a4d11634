def is_palindrome(s: str) -> bool:
    # Write your solution here.
    return False
