"""Domain rules of 重層的支援体制整備事業: plain Python, no Qt, no SQL."""
